// `ordo callbacks add|list|deliveries|remove`: callbacks on resource state changes.
import type { CallbacksArgs } from '../args';
import type { CallbackRequest } from '../client';
import type { Context } from '../context';
import { ApiError, CliError, EXIT, type ExitCode } from '../errors';
import { formatCallbackTable, formatDeliveryTable, formatDetails } from '../format';

export async function callbacksCommand(args: CallbacksArgs, { client, io }: Context): Promise<ExitCode> {
  try {
    switch (args.sub) {
      case 'add': {
        const body: CallbackRequest = {
          ...(args.resource !== undefined ? { resource: args.resource } : {}),
          ...(args.environment !== undefined ? { environment: args.environment } : {}),
          ...(args.url !== undefined ? { url: args.url } : {}),
          ...(args.subject !== undefined ? { subject: args.subject } : {}),
          ...(args.states !== undefined ? { states: args.states } : {}),
        };
        const { id, secret } = await client.createCallback(body);
        io.out(`callback ${id}`);
        io.out(`secret ${secret}`);
        io.err('the secret signs each delivery (Ordo-Signature); it is shown only now');
        return EXIT.ok;
      }
      case 'list': {
        const callbacks = await client.listCallbacks({
          ...(args.resource !== undefined ? { resource: args.resource } : {}),
          ...(args.environment !== undefined ? { environment: args.environment } : {}),
        });
        if (callbacks.length === 0) io.err('no callbacks');
        else io.out(formatCallbackTable(callbacks));
        return EXIT.ok;
      }
      case 'deliveries': {
        const deliveries = await client.deliveries(args.id);
        if (deliveries.length === 0) io.err('no deliveries');
        else io.out(formatDeliveryTable(deliveries, io));
        return EXIT.ok;
      }
      case 'remove':
        await client.removeCallback(args.id);
        io.out(`callback ${args.id} removed`);
        return EXIT.ok;
    }
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError('not_found', error.apiMessage, EXIT.failed, { cause: error });
    }
    if (error instanceof ApiError && error.status === 400) {
      const lines = [
        `refused: ${error.apiMessage}`,
        ...formatDetails(error.details.length > 1 ? error.details : []),
      ];
      throw new CliError('rejected', lines.join('\n'), EXIT.usage, { cause: error });
    }
    throw error;
  }
}
