// `ordo run <file>`: submit a graph as a new build.
import type { RunArgs } from '../args';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { formatDetails } from '../format';
import { readGraphFile, toBuildRequest } from '../graph-file';
import { followBuild } from './follow';

export async function runCommand(args: RunArgs, ctx: Context): Promise<ExitCode> {
  const name = args.file === '-' ? '<stdin>' : args.file;
  const request = toBuildRequest(await readGraphFile(args.file, { cwd: ctx.cwd }), args, name);
  let id: string;
  try {
    ({ id } = await ctx.client.createBuild(request));
  } catch (error) {
    // 4xx: the graph (or the request around it) was rejected; nothing was stored.
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
      const lines = [
        `${name} was rejected: ${error.apiMessage} (${error.apiCode})`,
        ...formatDetails(error.details),
      ];
      throw new CliError('rejected', lines.join('\n'), EXIT.usage, { cause: error });
    }
    throw error;
  }
  ctx.io.out(id);
  return args.follow ? followBuild(ctx, id, 0) : EXIT.ok;
}
