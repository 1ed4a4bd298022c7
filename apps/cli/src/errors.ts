/**
 * The CLI's errors. Each carries the process exit code it ends with; `main` prints the
 * message and returns the code, so nothing below `main` writes errors or exits.
 */

/** Exit codes of `ordo`. */
export const EXIT = {
  /** the command did what was asked (for `--follow`: the build completed) */
  ok: 0,
  /** the build errored or was cancelled, Ordo refused the action, or no such build */
  failed: 1,
  /** bad command line, unreadable or invalid graph file, or a graph Ordo rejected */
  usage: 2,
  /** Ordo could not be reached */
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export type CliErrorCode =
  | 'usage'
  | 'input'
  | 'output'
  | 'not_found'
  | 'refused'
  | 'rejected'
  | 'api'
  | 'protocol'
  | 'unreachable';

export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly exitCode: ExitCode,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** A bad command line; `command` names the command whose usage to print. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super('usage', message, EXIT.usage);
    this.name = 'UsageError';
  }
}

/** A graph file that cannot be read or parsed. */
export class InputError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('input', message, EXIT.usage, options);
    this.name = 'InputError';
  }
}

/** No answer from Ordo at all: refused, unresolvable host, timeout. */
export class UnreachableError extends CliError {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super('unreachable', describeUnreachable(url, cause), EXIT.unreachable, { cause });
    this.name = 'UnreachableError';
  }
}

/** One problem of a rejected request, as the REST API lists it. */
export interface ApiErrorDetail {
  code?: string | undefined;
  message?: string | undefined;
  ids?: string[] | undefined;
  path?: string | undefined;
}

/** Ordo answered with a 4xx or 5xx status. Commands turn the ones they expect into messages. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly apiCode: string,
    readonly apiMessage: string,
    readonly details: ApiErrorDetail[],
  ) {
    super('api', `Ordo answered ${status} ${apiCode}: ${apiMessage}`, EXIT.failed);
    this.name = 'ApiError';
  }
}

/** Ordo answered 2xx with a body that does not match the REST contract. */
export class ProtocolError extends CliError {
  constructor(message: string) {
    super('protocol', message, EXIT.failed);
    this.name = 'ProtocolError';
  }
}

function describeUnreachable(url: string, cause: unknown): string {
  const reason = networkReason(cause);
  if (reason === 'TimeoutError') return `Ordo at ${url} did not answer in time`;
  const base = `cannot reach Ordo at ${url}: is it running? (npm start)`;
  return reason === undefined || reason === 'ECONNREFUSED' ? base : `${base} [${reason}]`;
}

/**
 * `ECONNREFUSED`, `ENOTFOUND`, `TimeoutError`, … from a failed `fetch`, or the innermost
 * cause's message when it has no code (`bad port`: fetch refuses ports such as 6000).
 */
function networkReason(error: unknown): string | undefined {
  let message: string | undefined;
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (current.name === 'TimeoutError' || current.name === 'AbortError') return 'TimeoutError';
    if (current !== error) message = current.message;
    current = current.cause;
  }
  return message;
}
