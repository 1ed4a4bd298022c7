/** Why an executor operation failed; one code per cause a caller may handle differently. */
export type ExecutorErrorCode =
  /** an executor definition with a bad name or provider list */
  | 'INVALID_DEFINITION'
  /** two executors given to one `runExecutors` claim the same provider or name */
  | 'DUPLICATE_PROVIDER'
  /** the dispatched component lacks a field the executor needs, or holds a bad value */
  | 'INVALID_INPUT'
  /** the runner cancelled the attempt (`….cancel`); the answer's error text is `cancelled` */
  | 'CANCELLED'
  /** the attempt's `Ordo-Deadline` passed; the answer's error text is `timeout` */
  | 'TIMEOUT'
  /** the executor process is stopping: the dispatch is handed back unanswered */
  | 'SHUTDOWN'
  /** an executor instance that is already serving was started again */
  | 'ALREADY_RUNNING';

/** Errors the executors package throws; `code` says which cause, `cause` holds the original. */
export class ExecutorError extends Error {
  readonly code: ExecutorErrorCode;

  constructor(code: ExecutorErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ExecutorError';
    this.code = code;
  }
}

export function isExecutorError(err: unknown, code?: ExecutorErrorCode): err is ExecutorError {
  return err instanceof ExecutorError && (code === undefined || err.code === code);
}

/**
 * A failure a handler throws to answer `.error` with outputs besides the message (e.g. a
 * shell command's `exit_code`). Any other thrown value answers `.error` with its message only.
 */
export class TaskError extends Error {
  readonly outputs: Readonly<Record<string, unknown>>;

  constructor(message: string, outputs: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TaskError';
    this.outputs = outputs;
  }
}

/** The abort reasons the SDK puts on `task.signal`; their messages are the error texts. */
export const cancelledReason = (): ExecutorError => new ExecutorError('CANCELLED', 'cancelled');
export const timeoutReason = (): ExecutorError => new ExecutorError('TIMEOUT', 'timeout');
export const shutdownReason = (): ExecutorError => new ExecutorError('SHUTDOWN', 'executor stopping');
