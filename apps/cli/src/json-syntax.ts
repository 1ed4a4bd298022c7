/**
 * Where a JSON text breaks, for a message with line and column. `JSON.parse` reports a
 * position for some errors only (`Unexpected token 'x', "…" is not valid JSON` has none), so
 * when it fails this scanner walks the text again to find the first error. It checks syntax
 * only and builds nothing.
 */

export interface JsonSyntaxError {
  /** UTF-16 offset into the text */
  offset: number;
  reason: string;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {}
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const LITERALS = ['true', 'false', 'null'];

/** The first syntax error in `text`, or `undefined` when it is valid JSON (or nests too deeply to scan). */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let i = 0;
  const n = text.length;

  const fail = (reason: string, at = i): never => {
    throw new Stop(at, at >= n ? 'unexpected end of input' : reason);
  };
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const scanString = () => {
    i++; // the opening quote
    for (;;) {
      if (i >= n) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c < 0x20) fail('control character in a string: escape it (\\n, \\t, …)');
      if (c === 0x5c) {
        const escaped = text[i + 1];
        if (escaped !== undefined && '"\\/bfnrt'.includes(escaped)) i += 2;
        else if (escaped === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else fail(`invalid escape sequence \\${escaped ?? ''}`);
      } else i++;
    }
  };
  const scanLiteral = () => {
    const word = LITERALS.find((candidate) => candidate[0] === text[i]) as string;
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) fail(`invalid literal: expected ${word}`, i + k);
    }
    i += word.length;
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === '{') {
      i++;
      skipSpace();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipSpace();
        if (text[i] !== '"') fail('expected a double-quoted property name');
        scanString();
        skipSpace();
        if (text[i] !== ':') fail("expected ':' after a property name");
        i++;
        value();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return;
        } else fail("expected ',' or '}' after a property value");
      }
    }
    if (c === '[') {
      i++;
      skipSpace();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        skipSpace();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return;
        } else fail("expected ',' or ']' after an array element");
      }
    }
    if (c === '"') {
      scanString();
      return;
    }
    if (c === 't' || c === 'f' || c === 'n') {
      scanLiteral();
      return;
    }
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      if (!NUMBER.test(text)) fail('invalid number');
      i = NUMBER.lastIndex;
      return;
    }
    fail(`unexpected ${describeChar(c)}: expected a value`);
  };

  try {
    value();
    skipSpace();
    if (i < n) fail('unexpected content after the JSON value');
    return undefined;
  } catch (error) {
    if (error instanceof Stop) return { offset: error.offset, reason: error.reason };
    if (error instanceof RangeError) return undefined; // nested deeper than the stack
    throw error;
  }
}

function describeChar(c: string | undefined): string {
  if (c === undefined) return 'end of input';
  if (c === "'") return 'character "\'" (JSON strings use double quotes)';
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f
    ? `control character U+${code.toString(16).padStart(4, '0')}`
    : `character '${c}'`;
}

/** 1-based line and column of `offset`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Two lines showing where `line`:`column` is: the source line (cut to about 80 characters
 * around the column) and a caret under the column.
 */
export function excerpt(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  const source = (lines[line - 1] ?? '').replace(/\r$/, '');
  const start = Math.max(0, column - 1 - 50);
  const end = Math.min(source.length, start + 80);
  const shown = (start > 0 ? '…' : '') + source.slice(start, end) + (end < source.length ? '…' : '');
  const before = (start > 0 ? '…' : '') + source.slice(start, column - 1);
  const gutter = String(line);
  const pad = before.replace(/[^\t]/g, ' ');
  return `  ${gutter} | ${visible(shown)}\n  ${' '.repeat(gutter.length)} | ${pad}^`;
}

/** Control characters shown as `?`, so that a bad file cannot steer the terminal. */
function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}
