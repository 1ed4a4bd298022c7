/**
 * Graph files: read, parse (JSON or YAML), and wrap as the body of `POST /api/v1/builds`.
 * Everything here but `readGraphFile` is pure; errors are `InputError`s whose message names
 * the file and, for a syntax error, the line and column with the offending line below it.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { detectFormat } from '@ordo/core';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { RunArgs } from './args';
import type { BuildRequest } from './client';
import { InputError } from './errors';
import { excerpt, findJsonSyntaxError, lineColumn } from './json-syntax';

export type Syntax = 'json' | 'yaml';

/** By extension; otherwise JSON when the text starts with `{` or `[`, YAML else. */
export function detectSyntax(fileName: string, text: string): Syntax {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  const first = /\S/.exec(text)?.[0];
  return first === '{' || first === '[' ? 'json' : 'yaml';
}

/** What a graph file holds at the top level, for messages. */
const A_GRAPH = 'a graph (an object with changes, digraph or ordo)';

/**
 * The value in `text`, which must be an object at the top level (`expected` names what it
 * should be, for the message). `fileName` is for messages.
 */
export function parseGraphText(text: string, fileName: string, expected = A_GRAPH): Record<string, unknown> {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const syntax = detectSyntax(fileName, source);
  const value = syntax === 'json' ? parseJsonText(source, fileName) : parseYamlText(source, fileName);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${fileName}: expected ${expected} at the top level, found ${describe(value)}`);
  }
  return value as Record<string, unknown>;
}

function parseJsonText(text: string, fileName: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const found = findJsonSyntaxError(text);
    if (found === undefined) throw new InputError(`${fileName}: invalid JSON: ${(error as Error).message}`);
    throw syntaxError(fileName, 'JSON', text, found.offset, found.reason);
  }
}

function parseYamlText(text: string, fileName: string): unknown {
  const document = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const first = document.errors[0];
  if (first !== undefined) {
    const reason =
      first.code === 'MULTIPLE_DOCS'
        ? 'a graph file holds one YAML document, this one has several (---)'
        : first.code === 'DUPLICATE_KEY'
          ? 'duplicate key'
          : lowerFirst(first.message);
    throw syntaxError(fileName, 'YAML', text, first.pos[0], reason);
  }
  try {
    return document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // an unresolved alias (`*name`), or more alias expansion than a graph needs
    throw new InputError(`${fileName}: invalid YAML: ${lowerFirst((error as Error).message)}`);
  }
}

function syntaxError(fileName: string, syntax: string, text: string, offset: number, reason: string) {
  const { line, column } = lineColumn(text, offset);
  return new InputError(
    `${fileName}:${line}:${column}: invalid ${syntax}: ${reason}\n${excerpt(text, line, column)}`,
  );
}

/**
 * Reads and parses a graph file; `-` reads standard input. A relative `path` is taken from
 * `cwd`; messages name the file as given.
 */
export async function readGraphFile(
  path: string,
  options: { cwd?: string; read?: (path: string) => Promise<string>; expected?: string } = {},
): Promise<Record<string, unknown>> {
  const name = path === '-' ? '<stdin>' : path;
  const read = options.read ?? readText;
  let text: string;
  try {
    text = await read(path === '-' ? path : resolve(options.cwd ?? '.', path));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const reason =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (error as Error).message;
    throw new InputError(`cannot read ${name}: ${reason}`, { cause: error });
  }
  return parseGraphText(text, name, options.expected);
}

async function readText(path: string): Promise<string> {
  if (path !== '-') return readFile(path, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The request fields a wrapped graph file may carry besides `graph`. */
const wrapperSchema = z.looseObject({
  environment: z.string().min(1).optional(),
  simulate: z.boolean().optional(),
  policy: z.enum(['fail-fast', 'continue']).optional(),
  concurrency: z.number().int().min(1).optional(),
});

/**
 * The body of `POST /api/v1/builds`. A file that is already a wrapped request (a `graph` key
 * and no graph of its own) gives the defaults; flags override them. Policy defaults to
 * `fail-fast`; `environment` and `concurrency` are sent only when set, so the server's
 * defaults apply.
 */
export function toBuildRequest(
  file: Record<string, unknown>,
  flags: Pick<RunArgs, 'simulate' | 'environment' | 'policy' | 'concurrency'>,
  fileName: string,
): BuildRequest {
  const wrapped = 'graph' in file && detectFormat(file) === undefined;
  let defaults: z.infer<typeof wrapperSchema> = {};
  if (wrapped) {
    const parsed = wrapperSchema.safeParse(file);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`${fileName}: ${issue?.path.map(String).join('.')}: ${issue?.message}`);
    }
    defaults = parsed.data;
  }
  const request: BuildRequest = {
    graph: wrapped ? file.graph : file,
    simulate: flags.simulate || defaults.simulate === true,
    policy: flags.policy ?? defaults.policy ?? 'fail-fast',
  };
  const environment = flags.environment ?? defaults.environment;
  if (environment !== undefined) request.environment = environment;
  const concurrency = flags.concurrency ?? defaults.concurrency;
  if (concurrency !== undefined) request.concurrency = concurrency;
  return request;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
