// `ordo status <id>`: a build's components and its state.
import type { StatusArgs } from '../args';
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { formatComponentTable, formatSummary } from '../format';
import { orNoBuild } from './shared';

export async function statusCommand(args: StatusArgs, { client, io }: Context): Promise<ExitCode> {
  const build = await orNoBuild(args.id, client.getBuild(args.id));
  if (build.components.length > 0) io.out(formatComponentTable(build.components, io));
  io.out(formatSummary(build, io));
  return EXIT.ok;
}
