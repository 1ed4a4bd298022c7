/**
 * An internal "could not resolve" value. Returned (never thrown) through the resolver, so that
 * the common success path allocates nothing; the public API turns it into `{ok: false, error}`.
 * Context data is plain JSON, so it can never hold an instance of this private class.
 */
export class Failure {
  constructor(readonly message: string) {}
}

/** A plain JSON object (not an array, not a class instance). */
export function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** 'a string', 'an array', 'null' … for messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const t = typeof value;
  return t === 'object' || t === 'undefined' ? `an ${t}` : `a ${t}`;
}
