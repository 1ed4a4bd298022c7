/**
 * Template resolution: every `$(path)` / `${id.field}` in the strings of a value is replaced by
 * the data it points at. Data lookup only — nothing is ever evaluated.
 *
 * - A string that is exactly one template becomes the value found, type kept.
 * - A template inside a longer string becomes its string form (JSON for objects and arrays).
 * - A value found is itself resolved again (strings, and strings nested in objects/arrays),
 *   up to MAX_DEPTH nested templates, so a cycle ends in an error instead of hanging.
 * - Copy-on-write: a value without templates comes back as the same reference, and an object
 *   or array is copied only along the branches where something was replaced. Values found
 *   in the context are not copied: they may share structure with the context's records.
 */

import { describeType, Failure, isPlainRecord } from './failure';
import { parsePath, segmentsText, type Where, walkPath } from './path';
import { mayHoldTemplate, type StringPart, scanTemplates } from './scan';
import type { ResolveResult, TemplateContext } from './types';

/** How many templates may be nested (a template whose value holds a template …). */
export const MAX_TEMPLATE_DEPTH = 8;

export function resolveTemplates(value: unknown, ctx: TemplateContext): ResolveResult {
  try {
    const resolved = resolveValue(value, ctx, []);
    return resolved instanceof Failure
      ? { ok: false, error: resolved.message }
      : { ok: true, value: resolved };
  } catch (error) {
    // a value nested thousands of levels deep overflows the stack: bad input, not a crash
    if (error instanceof RangeError)
      return { ok: false, error: `cannot resolve templates: ${error.message}` };
    throw error;
  }
}

/** True when some string inside `value` may hold a template (`$(` or `${`). */
export function hasTemplates(value: unknown): boolean {
  try {
    return containsTemplate(value);
  } catch (error) {
    // too deep to inspect: say yes, so the caller resolves and gets an error
    if (error instanceof RangeError) return true;
    throw error;
  }
}

function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return mayHoldTemplate(value);
  if (Array.isArray(value)) {
    for (const element of value) if (containsTemplate(element)) return true;
    return false;
  }
  if (isPlainRecord(value)) {
    // `for…in` over own keys: the keys of `Object.keys`, without allocating their array
    for (const key in value) if (Object.hasOwn(value, key) && containsTemplate(value[key])) return true;
  }
  return false;
}

/**
 * Splits `${inner}` into a component id and a field path: the id is the longest prefix of
 * `inner`, cut at a dot (or the whole text), that is a known id. `field` is `''` when the whole
 * text is an id.
 */
export function splitBraceInner(
  inner: string,
  knownIds: ReadonlySet<string>,
): { id: string; field: string } | undefined {
  if (knownIds.has(inner)) return { id: inner, field: '' };
  let dot = inner.lastIndexOf('.');
  while (dot > 0) {
    const id = inner.slice(0, dot);
    if (knownIds.has(id)) return { id, field: inner.slice(dot + 1) };
    dot = inner.lastIndexOf('.', dot - 1);
  }
  return undefined;
}

/** Resolves everything inside `value`; `chain` is the templates being resolved, outermost first. */
function resolveValue(value: unknown, ctx: TemplateContext, chain: readonly string[]): unknown {
  if (typeof value === 'string') return resolveString(value, ctx, chain);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const resolved = resolveValue(element, ctx, chain);
      if (resolved instanceof Failure) return resolved;
      if (resolved !== element) {
        copy ??= value.slice();
        copy[i] = resolved;
      }
    }
    return copy ?? value;
  }
  if (isPlainRecord(value)) {
    let copy: Record<string, unknown> | undefined;
    for (const key of Object.keys(value)) {
      const field = value[key];
      const resolved = resolveValue(field, ctx, chain);
      if (resolved instanceof Failure) return resolved;
      if (resolved !== field) {
        copy ??= { ...value };
        if (key === '__proto__') {
          // assignment would set the prototype: a JSON key "__proto__" must stay a plain field
          Object.defineProperty(copy, key, {
            value: resolved,
            enumerable: true,
            writable: true,
            configurable: true,
          });
        } else {
          copy[key] = resolved;
        }
      }
    }
    return copy ?? value;
  }
  return value;
}

function resolveString(s: string, ctx: TemplateContext, chain: readonly string[]): unknown {
  if (!mayHoldTemplate(s)) return s;
  const scan = scanTemplates(s);
  if (!scan.ok) return fail([...chain, scan.raw], scan.error);
  const [first] = scan.parts;
  if (scan.parts.length === 1 && first?.kind === 'template') return resolveTemplate(first, ctx, chain);
  let out = '';
  for (const part of scan.parts) {
    if (part.kind === 'text') {
      out += part.text;
      continue;
    }
    const value = resolveTemplate(part, ctx, chain);
    if (value instanceof Failure) return value;
    const text = stringForm(value);
    if (text === undefined) {
      return fail([...chain, part.raw], `its value (${describeType(value)}) has no string form`);
    }
    out += text;
  }
  return out;
}

function resolveTemplate(
  part: Extract<StringPart, { kind: 'template' }>,
  ctx: TemplateContext,
  chain: readonly string[],
): unknown {
  const at = [...chain, part.raw];
  if (at.length > MAX_TEMPLATE_DEPTH) {
    return fail(at, `templates nested more than ${MAX_TEMPLATE_DEPTH} deep (a cycle?)`);
  }
  const found = part.syntax === 'paren' ? lookupParen(part.inner, ctx) : lookupBrace(part.inner, ctx);
  if (found instanceof Failure) return fail(at, found.message);
  return resolveValue(found, ctx, at);
}

/** `$(path)`: the first segment is a top-level field of the build document. */
function lookupParen(inner: string, ctx: TemplateContext): unknown {
  if (inner.trim() === '') return new Failure('empty template');
  const segments = parsePath(inner);
  if (segments instanceof Failure) return segments;
  const first = segments[0]!;
  if (first.kind !== 'key') return new Failure(`a path must start with a field name, not "${first.text}"`);
  const where: Where = (depth) => (depth === 0 ? 'the build' : segmentsText(segments, 0, depth));
  const second = segments[1];
  if (
    first.name === 'components' &&
    second?.kind === 'select' &&
    !second.all &&
    second.field.length === 1 &&
    second.field[0] === '_component_id'
  ) {
    // fast path: the environment's component by id, without scanning `components`
    const record = ctx.environmentComponent(second.value);
    if (record === undefined)
      return new Failure(`no element of components has _component_id "${second.value}"`);
    return walkPath(record, segments, 2, where);
  }
  const root = ctx.root(first.name);
  if (root === undefined) return new Failure(`the build has no field "${first.name}"`);
  return walkPath(root, segments, 1, where);
}

/** `${id.field}`: a field path into a component's record. */
function lookupBrace(inner: string, ctx: TemplateContext): unknown {
  if (inner.trim() === '') return new Failure('empty template');
  const split = splitBraceInner(inner, ctx.knownIds);
  if (split === undefined)
    return new Failure(`unknown component: no known component id is a prefix of "${inner}"`);
  const { id, field } = split;
  if (field === '') return new Failure(`names component ${id} but no field (write \${${id}.<field>})`);
  const record = ctx.component(id);
  if (record === undefined) return new Failure(`unknown component ${id}`);
  const segments = parsePath(field);
  if (segments instanceof Failure) return segments;
  const where: Where = (depth) =>
    depth === 0 ? `component ${id}` : `${segmentsText(segments, 0, depth)} of component ${id}`;
  return walkPath(record, segments, 0, where);
}

/** The text a value takes inside a longer string; undefined when it has none. */
function stringForm(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return 'null';
      try {
        return JSON.stringify(value);
      } catch {
        return undefined;
      }
    default:
      return undefined;
  }
}

/** `template <outermost> (via <nested> → …): <reason>` */
function fail(chain: readonly string[], reason: string): Failure {
  const via = chain.length > 1 ? ` (via ${chain.slice(1).join(' → ')})` : '';
  return new Failure(`template ${chain[0]}${via}: ${reason}`);
}
