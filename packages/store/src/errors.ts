/**
 * Why a store operation failed:
 * - `UNSUPPORTED_URL`: the store URL names a database this build of the store cannot open.
 * - `INVALID_ARGUMENT`: a value passed in cannot be stored (empty name, non-JSON document, …).
 * - `CONFLICT`: the write repeats a key that is stored already (a build id, an event seq); nothing was written.
 * - `NOT_FOUND`: the write names a build or component that is not stored; nothing was written.
 */
export type StoreErrorCode = 'UNSUPPORTED_URL' | 'INVALID_ARGUMENT' | 'CONFLICT' | 'NOT_FOUND';

/** The error the store throws for conditions a caller can act on; Prisma errors stay inside as `cause`. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
