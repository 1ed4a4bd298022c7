// Test support of the contract tests: a local HTTP server on 127.0.0.1 standing in for Ordo's
// REST API (it records every request and answers scripted routes), and the real `ordo` bin run
// as a child process against it.
import { execFile } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The repository root: the bin is run from there. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const ACTOR = `${userInfo().username}@${hostname()}`;

export interface Recorded {
  method: string;
  path: string;
  actor: string | undefined;
  body: unknown;
}

export type Reply = { status: number; body?: unknown };
export type Route = (request: Recorded, url: URL) => Reply;

/** A local HTTP server answering `METHOD /path` routes (query ignored) and recording every request. */
export class StandInServer {
  readonly requests: Recorded[] = [];
  private readonly routes = new Map<string, Route>();
  private server: Server | undefined;

  route(key: string, route: Route): this {
    this.routes.set(key, route);
    return this;
  }

  async start(): Promise<string> {
    this.server = createServer(async (req, res) => {
      const recorded = await record(req);
      this.requests.push(recorded);
      const url = new URL(recorded.path, 'http://stand-in');
      const route = this.routes.get(`${recorded.method} ${url.pathname}`);
      const reply = route?.(recorded, url) ?? {
        status: 404,
        body: { error: { code: 'not_found', message: `no route ${recorded.method} ${url.pathname}` } },
      };
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  /** The requests as `METHOD path` lines, for asserting their order. */
  lines(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }
}

async function record(req: IncomingMessage): Promise<Recorded> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const actor = req.headers['ordo-actor'];
  return {
    method: req.method ?? '',
    path: req.url ?? '',
    actor: Array.isArray(actor) ? actor.join(',') : actor,
    body: text === '' ? undefined : JSON.parse(text),
  };
}

export interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `node apps/cli/bin/ordo.mjs …` from the repository root, asynchronously (the server runs in this process). */
export function ordo(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['apps/cli/bin/ordo.mjs', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TZ: 'UTC', ...env } },
      (error, stdout, stderr) => {
        resolve({
          code: error === null ? 0 : typeof error.code === 'number' ? error.code : null,
          stdout,
          stderr,
        });
      },
    );
    child.stdin?.end();
  });
}
