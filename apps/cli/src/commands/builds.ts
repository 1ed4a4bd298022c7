// `ordo builds [--environment E] [--state S]`: list builds.
import type { BuildsArgs } from '../args';
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { formatBuildTable } from '../format';

export async function buildsCommand(args: BuildsArgs, { client, io }: Context): Promise<ExitCode> {
  const filter = {
    ...(args.environment !== undefined ? { environment: args.environment } : {}),
    ...(args.states !== undefined ? { states: args.states } : {}),
  };
  // The filters go to the server as query parameters and are applied here as well, so the
  // answer is right whether or not the server filters.
  const builds = (await client.listBuilds(filter)).filter(
    (build) =>
      (args.environment === undefined || build.environment === args.environment) &&
      (args.states === undefined || args.states.includes(build.state)),
  );
  if (builds.length === 0) io.err('no builds');
  else io.out(formatBuildTable(builds, io));
  return EXIT.ok;
}
