/**
 * Listing the templates of a value without resolving them (validation uses it to check that
 * `${id.field}` names a known component, and which ids `$(…)` selectors name).
 */

import { isPlainRecord } from './failure';
import { parsePath } from './path';
import { splitBraceInner } from './resolve';
import { mayHoldTemplate, scanTemplates } from './scan';
import type { TemplateRef } from './types';

/**
 * Every template in the strings of `value`, in document order. A template that is not
 * terminated (`${a.b` with no `}`) is not listed, nor anything after it in the same string:
 * `resolveTemplates` reports it. A paren template whose path does not parse is listed with
 * no `selectedIds`.
 */
export function listTemplateRefs(value: unknown, knownIds: ReadonlySet<string>): TemplateRef[] {
  const refs: TemplateRef[] = [];
  collect(value, '', knownIds, refs);
  return refs;
}

function collect(value: unknown, path: string, knownIds: ReadonlySet<string>, refs: TemplateRef[]): void {
  if (typeof value === 'string') {
    if (mayHoldTemplate(value)) collectString(value, path, knownIds, refs);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) collect(value[i], `${path}[${i}]`, knownIds, refs);
  } else if (isPlainRecord(value)) {
    for (const key in value) {
      if (Object.hasOwn(value, key)) collect(value[key], path + jsonPathKey(key), knownIds, refs);
    }
  }
}

function collectString(s: string, path: string, knownIds: ReadonlySet<string>, refs: TemplateRef[]): void {
  for (const part of scanTemplates(s).parts) {
    if (part.kind === 'text') continue;
    if (part.syntax === 'brace') {
      const split = splitBraceInner(part.inner, knownIds);
      refs.push({
        raw: part.raw,
        syntax: 'brace',
        componentId: split?.id,
        field: split?.field,
        selectedIds: [],
        path,
      });
    } else {
      const segments = parsePath(part.inner);
      const selectedIds = Array.isArray(segments)
        ? segments.flatMap((s) =>
            s.kind === 'select' && s.field.length === 1 && s.field[0] === '_component_id' ? [s.value] : [],
          )
        : [];
      refs.push({ raw: part.raw, syntax: 'paren', selectedIds, path });
    }
  }
}

/** `.name` for identifier-like keys, `["other key"]` otherwise. */
function jsonPathKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}
