// `http`: calls a URL. `url` (or gorch's `artifact`), `method` (default GET, or POST when a
// body is given), `headers`, `body` (a string as is; anything else as JSON). A 2xx answers
// done with `status` and `response` (JSON when it parses, else text; at most 64 KiB read);
// any other status answers error. A cancel or the deadline aborts the request.
import { z } from 'zod';
import { ExecutorError, TaskError } from './errors';
import { parseInput, scalarString } from './input';
import { defineExecutor, type Executor, type ExecutorTask } from './sdk';

export interface HttpExecutorOptions {
  name?: string;
  provider?: string;
}

/** Most bytes of a response body read; the rest is dropped (`response_truncated: true`). */
export const MAX_RESPONSE_BYTES = 64 * 1024;

const httpInput = z.looseObject({
  url: z.string().min(1).optional(),
  artifact: z.string().optional(),
  method: z
    .string()
    .regex(/^[A-Za-z]+$/, 'must be an HTTP method such as GET or POST')
    .optional(),
  headers: z.record(z.string(), scalarString).optional(),
  body: z.unknown().optional(),
});

export function httpExecutor(options: HttpExecutorOptions = {}): Executor {
  return defineExecutor({
    name: options.name ?? 'http',
    provider: options.provider ?? 'http',
    handle: (task) => callUrl(task),
  });
}

/** Reads at most `limit` bytes of the body. */
async function readCapped(response: Response, limit: number): Promise<{ text: string; truncated: boolean }> {
  const reader = response.body?.getReader();
  if (!reader) return { text: '', truncated: false };
  const chunks: Uint8Array[] = [];
  let size = 0;
  let truncated = false;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const room = limit - size;
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room));
      size += room;
      truncated = true;
      await reader.cancel().catch(() => undefined);
      break;
    }
    chunks.push(value);
    size += value.byteLength;
  }
  const text = new TextDecoder().decode(Buffer.concat(chunks, size));
  return { text, truncated };
}

function parseBody(text: string, truncated: boolean): unknown {
  if (truncated || text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

async function callUrl(task: ExecutorTask) {
  const input = parseInput('http', httpInput, task.component);
  const raw = input.url ?? (input.artifact && input.artifact.trim() !== '' ? input.artifact : undefined);
  if (raw === undefined) throw new ExecutorError('INVALID_INPUT', 'http: no url (give url or artifact)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ExecutorError('INVALID_INPUT', 'http: url is not a valid absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ExecutorError('INVALID_INPUT', `http: url scheme ${url.protocol} is not http or https`);
  }
  const hasBody = input.body !== undefined && input.body !== null;
  const method = (input.method ?? (hasBody ? 'POST' : 'GET')).toUpperCase();
  const headers = new Headers(input.headers ?? {});
  let body: string | undefined;
  if (hasBody) {
    if (typeof input.body === 'string') body = input.body;
    else {
      body = JSON.stringify(input.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
    }
  }
  // the query may hold tokens: log only where the request goes
  task.log(`${method} ${url.origin}${url.pathname}`, 'info');

  let response: Response;
  try {
    response = await fetch(url, { method, headers, body, signal: task.signal, redirect: 'follow' });
  } catch (err) {
    if (task.signal.aborted) throw task.signal.reason;
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(`http: request failed: ${cause?.message ?? (err as Error).message}`);
  }
  let read: { text: string; truncated: boolean };
  try {
    read = await readCapped(response, MAX_RESPONSE_BYTES);
  } catch (err) {
    if (task.signal.aborted) throw task.signal.reason;
    throw new Error(`http: reading the response failed: ${(err as Error).message}`);
  }
  const outputs = {
    status: response.status,
    response: parseBody(read.text, read.truncated),
    ...(read.truncated ? { response_truncated: true } : {}),
  };
  task.log(`HTTP ${response.status}`, 'info');
  if (response.status >= 200 && response.status < 300) return outputs;
  throw new TaskError(
    `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    outputs,
  );
}
