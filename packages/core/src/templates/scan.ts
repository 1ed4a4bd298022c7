/**
 * Finding templates inside one string: `$(…)` (Ernest) and `${…}` (Ordo).
 *
 * A template ends at the first `)` (or `}`) that is outside square brackets. Inside
 * brackets, quoted text ('…' or "…", with `\` escaping the next character) is skipped, so a
 * selector value may hold `)`, `}`, `]` or `.`. Quotes outside brackets are plain characters,
 * so `echo '$(a.b)'` holds the template `$(a.b)`.
 */

export type TemplateSyntax = 'paren' | 'brace';

/** A piece of a scanned string: literal text or one template. */
export type StringPart =
  | { kind: 'text'; text: string }
  | {
      kind: 'template';
      syntax: TemplateSyntax;
      /** the whole template, `$(` … `)` included */
      raw: string;
      /** the text between the delimiters */
      inner: string;
    };

export type ScanResult =
  | { ok: true; parts: StringPart[] }
  /** `raw` is the unterminated template: from its `$(`/`${` to the end of the string */
  | { ok: false; raw: string; error: string; parts: StringPart[] };

/** Cheap test: could this string hold a template? */
export function mayHoldTemplate(s: string): boolean {
  return s.indexOf('$') !== -1 && (s.includes('$(') || s.includes('${'));
}

/**
 * Splits a string into text and templates. On an unterminated template, `parts` holds what
 * came before it (so a caller may still list the earlier templates).
 */
export function scanTemplates(s: string): ScanResult {
  const parts: StringPart[] = [];
  let textStart = 0;
  let i = 0;
  while (i < s.length - 1) {
    const open = s[i + 1];
    if (s[i] !== '$' || (open !== '(' && open !== '{')) {
      i++;
      continue;
    }
    const syntax: TemplateSyntax = open === '(' ? 'paren' : 'brace';
    const close = open === '(' ? ')' : '}';
    const end = findClose(s, i + 2, close);
    if (i > textStart) parts.push({ kind: 'text', text: s.slice(textStart, i) });
    if (end === -1) {
      return { ok: false, raw: s.slice(i), error: `unterminated (no closing "${close}")`, parts };
    }
    parts.push({ kind: 'template', syntax, raw: s.slice(i, end + 1), inner: s.slice(i + 2, end) });
    i = end + 1;
    textStart = i;
  }
  if (textStart < s.length) parts.push({ kind: 'text', text: s.slice(textStart) });
  return { ok: true, parts };
}

/** Index of the closing delimiter at bracket depth 0, or -1. */
function findClose(s: string, from: number, close: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let j = from; j < s.length; j++) {
    const c = s[j];
    if (quote !== undefined) {
      if (c === '\\') j++;
      else if (c === quote) quote = undefined;
    } else if (depth > 0 && (c === '"' || c === "'")) {
      quote = c;
    } else if (c === '[') {
      depth++;
    } else if (c === ']' && depth > 0) {
      depth--;
    } else if (depth === 0 && c === close) {
      return j;
    }
  }
  return -1;
}
