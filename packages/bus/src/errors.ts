/** Why a bus operation failed; one code per cause a caller may handle differently. */
export type BusErrorCode =
  /** a type, action or provider token is not `[A-Za-z0-9_-]+` */
  | 'INVALID_TOKEN'
  /** a token that would make a subject collide with Ordo's own `ordo.>` subjects */
  | 'RESERVED_TOKEN'
  /** a subject prefix that is neither empty nor dot-terminated tokens */
  | 'INVALID_PREFIX'
  /** an id that cannot be encoded (empty, or a lone UTF-16 surrogate) */
  | 'INVALID_ID'
  /** a string that is not the canonical base64url encoding of an id */
  | 'INVALID_ENCODED_TOKEN'
  /** a subject that is not of the expected form */
  | 'INVALID_SUBJECT'
  /** a value to publish (or a reply received) that its schema rejects */
  | 'INVALID_MESSAGE'
  /** the first connection to the server failed */
  | 'CONNECT_FAILED'
  /** a request got no valid answer */
  | 'REQUEST_FAILED'
  /** a publish that JetStream did not acknowledge */
  | 'PUBLISH_FAILED'
  /** a stream exists with settings that cannot be changed to the wanted ones */
  | 'STREAM_CONFLICT'
  /** a durable consumer exists with settings that cannot be changed to the wanted ones */
  | 'CONSUMER_CONFLICT'
  /** the server did not confirm an acknowledgement */
  | 'ACK_FAILED';

/** Every error the bus package throws; `code` says which cause, `cause` holds the original. */
export class BusError extends Error {
  readonly code: BusErrorCode;

  constructor(code: BusErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BusError';
    this.code = code;
  }
}

export function isBusError(err: unknown, code?: BusErrorCode): err is BusError {
  return err instanceof BusError && (code === undefined || err.code === code);
}
