// nil, sleep, shell and http served by runExecutors against a real nats-server.
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinExecutors, parseProviderList } from './builtin';
import { type RunningExecutors, runExecutors } from './sdk';
import { type Harness, newBuildId, processGone, startHarness, waitFor } from './test-harness';

let h: Harness;
let running: RunningExecutors;
let http: Server;
let baseUrl: string;
const seen: { method: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  h = await startHarness('builtin');
  running = await runExecutors(h.bus, builtinExecutors(), { dataDir: h.dataDir, ackWaitMs: 2000 });
  http = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      if (req.url?.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'application/json' }).end('{"reason":"broken"}');
      } else if (req.url?.startsWith('/text')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
      } else if (req.url?.startsWith('/big')) {
        res.writeHead(200).end('x'.repeat(100 * 1024));
      } else if (req.url?.startsWith('/slow')) {
        setTimeout(() => res.writeHead(200).end('late'), 10_000).unref();
      } else {
        res
          .writeHead(201, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, path: req.url }));
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await running?.stop();
  http?.closeAllConnections();
  await new Promise((resolve) => http?.close(resolve));
  await h?.close();
});

const task = (provider: string, fields: Record<string, unknown> = {}) => ({
  _component_id: `task::${provider}-${Math.random().toString(36).slice(2, 8)}`,
  _component: 'task',
  _action: 'create',
  _provider: provider,
  service: newBuildId(),
  ...fields,
});

describe('nil', () => {
  it('answers done at once, echoing the component', async () => {
    const c = task('nil', { artifact: '', args: [] });
    const meta = await h.dispatch(c);
    const r = await h.result(meta.key);
    expect(r.kind).toBe('done');
    expect(r.subject).toBe('ordo.exec.task.create.nil.done');
    expect(r.data).toMatchObject({ ...c, _state: 'completed' });
    expect(r.meta).toMatchObject({ build: meta.build, component: meta.component, attempt: 1, key: meta.key });
  });
});

describe('sleep', () => {
  it('waits args[0] seconds (gorch form)', async () => {
    const started = Date.now();
    const meta = await h.dispatch(task('sleep', { args: ['0.3'] }));
    const r = await h.result(meta.key);
    expect(r.kind).toBe('done');
    expect(r.data.slept_ms).toBe(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('reads duration_ms and answers error on an unusable duration', async () => {
    const ok = await h.dispatch(task('sleep', { duration_ms: 20 }));
    const bad = await h.dispatch(task('sleep', { args: ['soon'] }));
    const none = await h.dispatch(task('sleep'));
    expect((await h.result(ok.key)).data.slept_ms).toBe(20);
    const badResult = await h.result(bad.key);
    expect(badResult.kind).toBe('error');
    expect(badResult.data.error).toMatch(/args\[0\] must be a number of seconds/);
    expect((await h.result(none.key)).data.error).toMatch(/no duration/);
  });

  it('ends with timeout at the deadline', async () => {
    const meta = await h.dispatch(task('sleep', { seconds: 30 }), { deadline: Date.now() + 300 });
    const r = await h.result(meta.key, 3000);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('timeout');
  });
});

describe('shell', () => {
  it('runs argv, streams stdout lines as log messages and answers exit_code and stdout_tail', async () => {
    const c = task('shell', { artifact: 'printf', args: ['one\\ntwo\\nthree\\n'] });
    const meta = await h.dispatch(c);
    const r = await h.result(meta.key);
    expect(r.kind).toBe('done');
    expect(r.data).toMatchObject({ exit_code: 0, stdout_tail: 'one\ntwo\nthree\n', _state: 'completed' });
    const lines = await waitFor('three stdout lines', () => {
      const out = h.logs(meta.build, meta.component).filter((l) => l.stream === 'stdout');
      return out.length >= 3 ? out : undefined;
    });
    expect(lines.map((l) => l.line)).toEqual(['one', 'two', 'three']);
    expect(lines[0]?.componentId).toBe(c._component_id);
  });

  it('passes arguments literally: no shell reads them', async () => {
    const meta = await h.dispatch(
      task('shell', { artifact: 'echo', args: ['$(whoami); echo pwned', '*', '`id`'] }),
    );
    const r = await h.result(meta.key);
    expect(r.kind).toBe('done');
    expect(r.data.stdout_tail).toBe('$(whoami); echo pwned * `id`\n');
  });

  it('answers error naming the exit code and the last stderr line', async () => {
    const meta = await h.dispatch(
      task('shell', { artifact: 'sh', args: ['-c', 'echo first >&2; echo "it broke" >&2; exit 3'] }),
    );
    const r = await h.result(meta.key);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('exit code 3: it broke');
    expect(r.data.exit_code).toBe(3);
    await h.logLine(meta.build, meta.component, 'it broke');
    expect(h.logs(meta.build, meta.component).find((l) => l.line === 'it broke')?.stream).toBe('stderr');
  });

  it('uses env and cwd (working_dir), and does not pass its own environment on', async () => {
    const dir = await h.tempDir();
    process.env.ORDO_TEST_SECRET = 'hunter2';
    try {
      const meta = await h.dispatch(
        task('shell', {
          artifact: 'sh',
          args: ['-c', 'pwd; echo "$GREETING"; echo "secret=$ORDO_TEST_SECRET"'],
          env: { GREETING: 'hello', N: 3 },
          working_dir: dir,
        }),
      );
      const r = await h.result(meta.key);
      expect(r.data.stdout_tail).toBe(`${dir}\nhello\nsecret=\n`);
    } finally {
      delete process.env.ORDO_TEST_SECRET;
    }
  });

  it('answers error for a program that does not exist or a missing artifact', async () => {
    const missing = await h.dispatch(task('shell', { artifact: 'no-such-program-ordo', args: [] }));
    const empty = await h.dispatch(task('shell', { artifact: '', args: ['x'] }));
    const r1 = await h.result(missing.key);
    expect(r1.kind).toBe('error');
    expect(r1.data.error).toMatch(/cannot start no-such-program-ordo.*ENOENT/);
    const r2 = await h.result(empty.key);
    expect(r2.data.error).toMatch(/artifact/);
  });

  it('kills the process group at the deadline and answers timeout', async () => {
    const dir = await h.tempDir();
    const pidFile = join(dir, 'child.pid');
    // the child of sh writes its pid: the kill must reach it too (whole process group)
    const meta = await h.dispatch(
      task('shell', { artifact: 'sh', args: ['-c', `sleep 30 & echo $! > ${pidFile}; wait`] }),
      { deadline: Date.now() + 600 },
    );
    const r = await h.result(meta.key, 4000);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('timeout');
    const childPid = Number((await readFile(pidFile, 'utf8')).trim());
    await processGone(childPid, 3000);
  });
});

describe('http', () => {
  it('sends method, headers and a JSON body; 2xx answers status and the parsed response', async () => {
    const meta = await h.dispatch(
      task('http', {
        url: `${baseUrl}/hooks/deploy?token=abc`,
        method: 'put',
        headers: { 'x-ordo-test': 'yes', authorization: 'Bearer s3cret' },
        body: { name: 'web', replicas: 2 },
      }),
    );
    const r = await h.result(meta.key);
    expect(r.kind).toBe('done');
    expect(r.data.status).toBe(201);
    expect(r.data.response).toEqual({ ok: true, path: '/hooks/deploy?token=abc' });
    const req = seen.find((s) => s.url === '/hooks/deploy?token=abc');
    expect(req?.method).toBe('PUT');
    expect(req?.headers['x-ordo-test']).toBe('yes');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req?.body ?? '')).toEqual({ name: 'web', replicas: 2 });
    // what is logged names where the request went, never its query or headers
    const logged = h
      .logs(meta.build, meta.component)
      .map((l) => l.line)
      .join('\n');
    expect(logged).toContain('PUT');
    expect(logged).not.toContain('token=abc');
    expect(logged).not.toContain('s3cret');
  });

  it('takes the url from artifact (gorch), POSTs a string body as is and keeps a text response', async () => {
    const meta = await h.dispatch(task('http', { artifact: `${baseUrl}/text`, body: 'raw=1' }));
    const r = await h.result(meta.key);
    expect(r.data).toMatchObject({ status: 200, response: 'plain words' });
    const req = seen.find((s) => s.url === '/text');
    expect(req?.method).toBe('POST');
    expect(req?.body).toBe('raw=1');
  });

  it('answers error with the status for a non-2xx answer', async () => {
    const meta = await h.dispatch(task('http', { url: `${baseUrl}/fail` }));
    const r = await h.result(meta.key);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('HTTP 500 Internal Server Error');
    expect(r.data.status).toBe(500);
    expect(r.data.response).toEqual({ reason: 'broken' });
  });

  it('caps the response at 64 KiB and refuses a non-http url', async () => {
    const big = await h.dispatch(task('http', { url: `${baseUrl}/big` }));
    const file = await h.dispatch(task('http', { url: 'file:///etc/passwd' }));
    const r = await h.result(big.key);
    expect(r.kind).toBe('done');
    expect((r.data.response as string).length).toBe(64 * 1024);
    expect(r.data.response_truncated).toBe(true);
    expect((await h.result(file.key)).data.error).toMatch(/scheme file: is not http/);
  });

  it('aborts the request at the deadline', async () => {
    const meta = await h.dispatch(task('http', { url: `${baseUrl}/slow` }), { deadline: Date.now() + 300 });
    const r = await h.result(meta.key, 3000);
    expect(r.kind).toBe('error');
    expect(r.data.error).toBe('timeout');
  });
});

describe('builtinExecutors', () => {
  it('parses SIMULATE_PROVIDERS and lets the sim take over a simulated built-in provider', async () => {
    expect(parseProviderList(' aws, azure,,aws ')).toEqual(['aws', 'azure']);
    expect(parseProviderList(undefined)).toEqual([]);
    const list = builtinExecutors({ simulateProviders: ['aws', '*', 'shell'] });
    expect(list.map((e) => e.name)).toEqual(['sim', 'nil', 'sleep', 'http']);
    expect(list[0]?.providers).toEqual(['sim', 'aws', 'shell']);
  });
});
