// Who asks: the `Ordo-Actor` request header (default `api`), recorded with operator actions
// and with the builds they create.
import { InvalidRequestError } from './errors';

export const ACTOR_HEADER = 'Ordo-Actor';
export const DEFAULT_ACTOR = 'api';
export const MAX_ACTOR_LENGTH = 200;

/** The actor named by `headers`; `InvalidRequestError` when it is longer than 200 characters. */
export function actorFrom(headers: Headers): string {
  const value = headers.get(ACTOR_HEADER)?.trim() ?? '';
  if (value === '') return DEFAULT_ACTOR;
  if (value.length > MAX_ACTOR_LENGTH) {
    throw new InvalidRequestError(`the ${ACTOR_HEADER} header is over ${MAX_ACTOR_LENGTH} characters`, [
      {
        code: 'invalid_request',
        message: `header ${ACTOR_HEADER}: at most ${MAX_ACTOR_LENGTH} characters, got ${value.length}`,
        ids: [],
        path: `$headers["${ACTOR_HEADER}"]`,
      },
    ]);
  }
  return value;
}
