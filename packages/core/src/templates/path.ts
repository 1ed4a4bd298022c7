/**
 * The gjson-like path language of templates (what Ernest used), parsed and walked as data.
 *
 * A path is dot-separated segments:
 * - `name`                a field of an object; on an array, digits index it (`ingress.0`)
 * - `#`                   the length of an array
 * - `#[field="value"]`    the first element of an array whose `field` equals the string `value`
 *                         (`==` and single quotes are accepted too; `field` may be dotted)
 * - `#[field="value"]#`   every such element, as an array; the segments after it are applied
 *                         to each element (gjson's reading), e.g. `#[_component="instance"]#.ip`
 * Dots inside `[…]` and inside quoted values do not split; `\` escapes a character in a quote.
 */

import { describeType, Failure, isPlainRecord } from './failure';

export type Segment =
  | { kind: 'key'; name: string; text: string }
  | { kind: 'count'; text: string }
  | { kind: 'select'; field: string[]; value: string; all: boolean; text: string };

/** Splits and parses a path; a syntax error is a `Failure` naming the problem. */
export function parsePath(path: string): Segment[] | Failure {
  if (path === '') return new Failure('empty path');
  const pieces = splitSegments(path);
  if (pieces instanceof Failure) return pieces;
  const segments: Segment[] = [];
  for (const piece of pieces) {
    const segment = parseSegment(piece, path);
    if (segment instanceof Failure) return segment;
    segments.push(segment);
  }
  return segments;
}

function splitSegments(path: string): string[] | Failure {
  const pieces: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (depth > 0 && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === '[') {
      depth++;
    } else if (c === ']' && depth > 0) {
      depth--;
    } else if (c === '.' && depth === 0) {
      pieces.push(path.slice(start, i));
      start = i + 1;
    }
  }
  if (quote !== undefined) return new Failure(`unterminated quote in path "${path}"`);
  if (depth > 0) return new Failure(`unclosed "[" in path "${path}"`);
  pieces.push(path.slice(start));
  if (pieces.includes('')) return new Failure(`empty segment in path "${path}"`);
  return pieces;
}

function parseSegment(piece: string, path: string): Segment | Failure {
  if (piece === '#') return { kind: 'count', text: piece };
  if (!piece.startsWith('#')) return { kind: 'key', name: piece, text: piece };
  // a selector: #[cond] or #[cond]#
  const bad = new Failure(
    `bad selector "${piece}" in path "${path}": expected #[field="value"] or #[field="value"]#`,
  );
  if (piece[1] !== '[') return bad;
  let all: boolean;
  let body: string;
  if (piece.endsWith(']#')) {
    all = true;
    body = piece.slice(2, -2);
  } else if (piece.endsWith(']')) {
    all = false;
    body = piece.slice(2, -1);
  } else {
    return bad;
  }
  const condition = parseCondition(body);
  if (condition === undefined) return bad;
  return { kind: 'select', field: condition.field, value: condition.value, all, text: piece };
}

/** `field="value"`, `field=="value"`, `field='value'`; undefined when malformed. */
function parseCondition(body: string): { field: string[]; value: string } | undefined {
  const head = /^\s*([^=\s"'[\]]+)\s*==?\s*(["'])/.exec(body);
  if (head === null) return undefined;
  const field = (head[1] ?? '').split('.');
  if (field.includes('')) return undefined;
  const quote = head[2];
  let value = '';
  let i = head[0].length;
  for (; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      i++;
      if (i < body.length) value += body[i];
    } else if (c === quote) {
      break;
    } else {
      value += c;
    }
  }
  if (i >= body.length) return undefined; // no closing quote
  if (body.slice(i + 1).trim() !== '') return undefined;
  return { field, value };
}

/** Describes the value reached after the first `depth` segments, for messages. */
export type Where = (depth: number) => string;

/** Joins the texts of segments [from, to) with dots. */
export function segmentsText(segments: readonly Segment[], from: number, to: number): string {
  return segments
    .slice(from, to)
    .map((s) => s.text)
    .join('.');
}

/**
 * Walks `segments[from…]` starting at `start` (the value reached after `from` segments).
 * Returns the value found, or a `Failure` saying which segment could not be followed.
 */
export function walkPath(start: unknown, segments: readonly Segment[], from: number, where: Where): unknown {
  let current = start;
  for (let k = from; k < segments.length; k++) {
    const segment = segments[k]!;
    switch (segment.kind) {
      case 'key': {
        const next = readKey(current, segment.name, where(k));
        if (next instanceof Failure) return next;
        current = next;
        break;
      }
      case 'count':
        if (!Array.isArray(current)) {
          return new Failure(`${where(k)} is ${describeType(current)}, not an array: cannot count it with #`);
        }
        current = current.length;
        break;
      case 'select': {
        if (!Array.isArray(current)) {
          return new Failure(
            `${where(k)} is ${describeType(current)}, not an array: cannot apply ${segment.text}`,
          );
        }
        if (!segment.all) {
          const found = current.find((element) => selectorMatches(element, segment.field, segment.value));
          if (found === undefined) {
            return new Failure(`no element of ${where(k)} has ${segment.field.join('.')} "${segment.value}"`);
          }
          current = found;
          break;
        }
        const matches = current.filter((element) => selectorMatches(element, segment.field, segment.value));
        if (k + 1 === segments.length) return matches;
        // gjson: the rest of the path is applied to every match
        const mapped: unknown[] = [];
        for (let i = 0; i < matches.length; i++) {
          const base = `${where(k + 1)}[${i}]`;
          const elementWhere: Where = (d) =>
            d === k + 1 ? base : `${base}.${segmentsText(segments, k + 1, d)}`;
          const value = walkPath(matches[i], segments, k + 1, elementWhere);
          if (value instanceof Failure) return value;
          mapped.push(value);
        }
        return mapped;
      }
    }
  }
  return current;
}

/** Reads one key: a field of an object, or (digits) an element of an array. */
export function readKey(current: unknown, name: string, where: string): unknown {
  if (Array.isArray(current)) {
    if (!/^\d+$/.test(name)) {
      return new Failure(`${where} is an array: "${name}" must be an index, # or #[…]`);
    }
    const index = Number(name);
    if (index >= current.length || current[index] === undefined) {
      return new Failure(`${where} has no element ${name} (length ${current.length})`);
    }
    return current[index];
  }
  if (isPlainRecord(current)) {
    // own properties only: `constructor` or `__proto__` must not reach Object.prototype
    if (!Object.hasOwn(current, name) || current[name] === undefined) {
      return new Failure(`${where} has no field "${name}"`);
    }
    return current[name];
  }
  return new Failure(`${where} is ${describeType(current)}, not an object: cannot read "${name}"`);
}

function selectorMatches(element: unknown, field: readonly string[], value: string): boolean {
  let current = element;
  for (const name of field) {
    if (!isPlainRecord(current) || !Object.hasOwn(current, name)) return false;
    current = current[name];
  }
  return current === value;
}
