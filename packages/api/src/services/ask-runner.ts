// An operator request to the runner over NATS request/reply, and its answer as a typed error:
// the runner steps the request, persists the outcome (with who asked) and only then replies.
// Used for build actions (`ordo.control.<build>`) and resource actions (`ordo.cloud.control`).
import { isBusError } from '@ordo/bus';
import { controlReplySchema } from '@ordo/contracts';
import type { z } from 'zod';
import { InvalidRequestError, NotAllowedError, NotFoundError, RunnerUnavailableError } from '../errors';
import type { BusProvider } from './ports';

export interface RunnerRequest<S extends z.ZodType> {
  subject: string;
  schema: S;
  command: z.input<S>;
  timeoutMs: number;
  /** what was asked about, for messages: `build b-1`, `resource r-1` */
  about: string;
}

/**
 * Sends `command` and waits for the runner's reply: resolves when it accepted; throws
 * `NotAllowedError` (409) / `NotFoundError` (404) / `InvalidRequestError` (400) with its reason,
 * `RunnerUnavailableError` (503) when NATS is unreachable or no runner answers in time.
 */
export async function askRunner<S extends z.ZodType>(
  bus: BusProvider,
  request: RunnerRequest<S>,
): Promise<void> {
  const { about, timeoutMs } = request;
  let connection: Awaited<ReturnType<BusProvider>>;
  try {
    connection = await bus();
  } catch (err) {
    throw new RunnerUnavailableError(`cannot reach NATS to ask the runner: ${(err as Error).message}`, err);
  }
  let answer: z.output<typeof controlReplySchema>;
  try {
    const reply = await connection.request(
      request.subject,
      request.schema,
      request.command,
      controlReplySchema,
      {
        timeoutMs,
      },
    );
    answer = reply.data;
  } catch (err) {
    if (isBusError(err, 'REQUEST_FAILED')) {
      // nats.js reports "no responders" with the code '503': nobody listens on the subject.
      const noResponders = (err.cause as { code?: unknown } | undefined)?.code === '503';
      throw new RunnerUnavailableError(
        noResponders
          ? `no runner answered for ${about}: no runner is running`
          : `no runner answered for ${about} within ${timeoutMs} ms`,
        err,
      );
    }
    if (isBusError(err, 'INVALID_MESSAGE')) {
      throw new RunnerUnavailableError(`no runner answered for ${about} correctly: ${err.message}`, err);
    }
    throw err;
  }
  if (answer.ok) return;
  switch (answer.code) {
    case 'not_allowed':
      throw new NotAllowedError(answer.reason);
    case 'not_found':
      throw new NotFoundError(answer.reason);
    case 'invalid':
      throw new InvalidRequestError(answer.reason);
  }
}
