// `ordo lifecycle put <file> | show <type> [--version N] | list`: lifecycle definitions.
import type { LifecycleArgs } from '../args';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { formatDetails, formatJson, formatLifecycleTable } from '../format';
import { readGraphFile } from '../graph-file';

const A_LIFECYCLE = 'a lifecycle definition (an object with type, initial, transitions and tasks)';

export async function lifecycleCommand(args: LifecycleArgs, ctx: Context): Promise<ExitCode> {
  const { client, io } = ctx;
  switch (args.sub) {
    case 'put': {
      const name = args.file === '-' ? '<stdin>' : args.file;
      const definition = await readGraphFile(args.file, { cwd: ctx.cwd, expected: A_LIFECYCLE });
      try {
        const { type, version } = await client.saveLifecycle(definition);
        io.out(`lifecycle ${type} v${version} saved`);
        return EXIT.ok;
      } catch (error) {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
          const lines = [
            `${name} was rejected: ${error.apiMessage} (${error.apiCode})`,
            ...formatDetails(error.details),
          ];
          throw new CliError('rejected', lines.join('\n'), EXIT.usage, { cause: error });
        }
        throw error;
      }
    }
    case 'show':
      try {
        const view = await client.getLifecycle(args.type, args.version);
        io.out(formatJson(view.definition));
        io.err(`lifecycle ${view.type} v${view.version}`);
        return EXIT.ok;
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) {
          throw new CliError('not_found', error.apiMessage, EXIT.failed, { cause: error });
        }
        throw error;
      }
    case 'list': {
      const lifecycles = await client.listLifecycles();
      if (lifecycles.length === 0) io.err('no lifecycles');
      else io.out(formatLifecycleTable(lifecycles, io));
      return EXIT.ok;
    }
  }
}
