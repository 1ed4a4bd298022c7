// `ordo resource <id>`: a resource's details; `ordo resource <id> start|stop|reboot|terminate`:
// an operator action on it (Ordo refuses one the state does not allow, with the reason).
import type { ResourceArgs } from '../args';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { formatResourceDetail } from '../format';

export async function resourceCommand(args: ResourceArgs, { client, io }: Context): Promise<ExitCode> {
  const { id, action } = args;
  try {
    if (action === undefined) {
      io.out(formatResourceDetail(await client.getResource(id), io));
      return EXIT.ok;
    }
    await client.actOnResource(id, action);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError('not_found', error.apiMessage.trim() || `no resource ${id}`, EXIT.failed, {
        cause: error,
      });
    }
    if (error instanceof ApiError && error.status === 409 && action !== undefined) {
      throw new CliError('refused', `cannot ${action} resource ${id}: ${error.apiMessage}`, EXIT.failed, {
        cause: error,
      });
    }
    throw error;
  }
  io.out(`${action} requested for resource ${id}`);
  return EXIT.ok;
}
