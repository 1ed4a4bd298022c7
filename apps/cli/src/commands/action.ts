// `ordo retry | cancel | skip | approve <id> [component]`: an operator action.
import type { ActionArgs } from '../args';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { followBuild, latestSeq } from './follow';
import { orNoBuild } from './shared';

export async function actionCommand(args: ActionArgs, ctx: Context): Promise<ExitCode> {
  const { client, io } = ctx;
  const { id, component } = args;
  // Follow from the events that exist now: the build's history may hold an earlier
  // `build_state errored`, which must not end the follow at once.
  const since = args.follow ? await orNoBuild(id, latestSeq(client, id)) : 0;
  try {
    await client.act(id, args.name, component);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      throw new CliError('refused', `cannot ${args.name} ${target(args)}: ${error.apiMessage}`, EXIT.failed, {
        cause: error,
      });
    }
    if (error instanceof ApiError && error.status === 404) {
      // With a component, the build may exist and the component not: Ordo's message says which.
      const message =
        component === undefined
          ? `no build ${id}`
          : error.apiMessage.trim() || `no build ${id}, or no component ${component} in it`;
      throw new CliError('not_found', message, EXIT.failed, { cause: error });
    }
    throw error;
  }
  io.out(`${args.name} requested for ${target(args)}`);
  return args.follow ? followBuild(ctx, id, since) : EXIT.ok;
}

function target({ id, component }: ActionArgs): string {
  return component === undefined ? `build ${id}` : `${component} in build ${id}`;
}
