// `ordo resources [--environment E] [--state S] [--provider P]`: tracked cloud resources.
import type { ResourcesArgs } from '../args';
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { formatResourceTable } from '../format';

export async function resourcesCommand(args: ResourcesArgs, { client, io }: Context): Promise<ExitCode> {
  const resources = await client.listResources({
    ...(args.environment !== undefined ? { environment: args.environment } : {}),
    ...(args.state !== undefined ? { state: args.state } : {}),
    ...(args.provider !== undefined ? { provider: args.provider } : {}),
  });
  if (resources.length === 0) io.err('no resources');
  else io.out(formatResourceTable(resources, io));
  return EXIT.ok;
}
