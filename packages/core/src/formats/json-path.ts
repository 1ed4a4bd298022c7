/**
 * JSON paths as used in `ValidationIssue.path`: `$`, then `.key` for identifier-like keys,
 * `["odd key"]` for the others and `[3]` for array indexes, e.g. `$.changes[3]._action`.
 */

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** One path step: `.key`, `["odd key"]` or `[3]`. */
export function pathKey(key: string | number): string {
  if (typeof key === 'number') return `[${key}]`;
  return IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

/** `$` followed by the steps of `segments`. */
export function jsonPath(segments: readonly PropertyKey[]): string {
  let path = '$';
  for (const segment of segments) {
    path += pathKey(typeof segment === 'symbol' ? String(segment) : segment);
  }
  return path;
}
