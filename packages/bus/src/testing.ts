// Test support (`@ordo/bus/testing`): a real nats-server per test file, on free ports,
// with its own JetStream store directory. Node only.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BusLogger } from './logger';

export interface StartNatsServerOptions {
  /** enable JetStream with a temporary store dir (default true; always on with `configFile`) */
  jetstream?: boolean;
  /** add a WebSocket listener (no TLS) and report `wsUrl` */
  websocket?: boolean;
  /**
   * Start from this config file instead of a generated one. It is given the environment
   * variables the project's `infra/nats.conf` reads: NATS_PORT, NATS_WS_PORT,
   * ORDO_NATS_STORE_DIR and ORDO_NATS_PASSWORD (`password` below, random by default; it must
   * read as a string in nats config syntax, e.g. start with a letter).
   */
  configFile?: string;
  /** password for the `ordo` user of `configFile` */
  password?: string;
  /** only with a generated config: require this user and password */
  auth?: { user: string; password: string };
  /** server binary; default `NATS_SERVER_BIN` or `nats-server` on PATH */
  bin?: string;
  /** time limit for the server to accept connections, in ms (default 10000) */
  startTimeoutMs?: number;
}

export interface StopOptions {
  /** SIGKILL instead of SIGTERM: a crash, no shutdown work (default false) */
  kill?: boolean;
}

export interface NatsServerHandle {
  /** `nats://127.0.0.1:<port>` */
  readonly url: string;
  /** `ws://127.0.0.1:<wsPort>` when a WebSocket listener is on */
  readonly wsUrl: string | undefined;
  readonly port: number;
  readonly wsPort: number | undefined;
  /** JetStream store directory; kept across `restart()` */
  readonly storeDir: string;
  /** password of the `ordo` user when started from `configFile` */
  readonly password: string | undefined;
  /** pid of the running server process */
  readonly pid: number | undefined;
  /** what the server wrote so far (its log goes to stderr) */
  output(): string;
  /** stops the server for good and removes its temporary files */
  stop(opts?: StopOptions): Promise<void>;
  /** stops the server (gracefully, or killed) and starts it again on the same ports and store */
  restart(opts?: StopOptions): Promise<void>;
}

/** A TCP port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test process that dies must not leave servers behind.
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve(ok);
    };
    socket.once('data', (chunk) => finish(chunk.toString().startsWith('INFO')));
    socket.once('error', () => finish(false));
    socket.setTimeout(1000, () => finish(false));
  });
}

/** Starts a nats-server and resolves once it accepts client connections. */
export async function startNatsServer(options: StartNatsServerOptions = {}): Promise<NatsServerHandle> {
  installExitHook();
  const bin = options.bin ?? process.env.NATS_SERVER_BIN ?? 'nats-server';
  const root = await mkdtemp(join(tmpdir(), 'ordo-nats-'));
  const storeDir = join(root, 'jetstream');
  const port = await freePort();
  const wsPort = options.websocket || options.configFile ? await freePort() : undefined;
  // nats-server parses a `$VAR` value as config syntax: a value like `-x…`, `1e5…` or `7kb` is
  // not read as a string and the server refuses to start. A letter first keeps it a string.
  const password = options.configFile
    ? (options.password ?? `p${randomBytes(16).toString('hex')}`)
    : undefined;
  const jetstream = options.configFile !== undefined || options.jetstream !== false;

  let configFile = options.configFile;
  if (!configFile) {
    const lines = ['host: 127.0.0.1', `port: ${port}`, `server_name: ordo_test_${port}`];
    if (jetstream) lines.push(`jetstream { store_dir: ${JSON.stringify(storeDir)} }`);
    if (wsPort !== undefined) lines.push(`websocket { host: 127.0.0.1, port: ${wsPort}, no_tls: true }`);
    if (options.auth) {
      lines.push(
        `authorization { user: ${JSON.stringify(options.auth.user)}, password: ${JSON.stringify(options.auth.password)} }`,
      );
    }
    configFile = join(root, 'nats.conf');
    await writeFile(configFile, `${lines.join('\n')}\n`);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NATS_PORT: String(port),
    NATS_WS_PORT: String(wsPort ?? 0),
    ORDO_NATS_STORE_DIR: storeDir,
    ORDO_NATS_PASSWORD: password ?? '',
  };
  const timeoutMs = options.startTimeoutMs ?? 10_000;

  let child: ChildProcess | undefined;
  let log = '';

  const launch = async (): Promise<void> => {
    const proc = spawn(bin, ['-c', configFile], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    running.add(proc);
    let ready = false;
    let own = ''; // this run's output until it is ready
    const append = (chunk: Buffer) => {
      const text = chunk.toString();
      if (!ready) {
        own += text;
        ready = own.includes('Server is ready');
      }
      log += text;
      if (log.length > 200_000) log = log.slice(-100_000);
    };
    proc.stdout?.on('data', append);
    proc.stderr?.on('data', append);
    let exited: string | undefined;
    proc.once('error', (err) => {
      exited = `cannot start ${bin}: ${err.message}`;
    });
    proc.once('exit', (code, signal) => {
      running.delete(proc);
      exited ??= `exited with ${signal ?? code}`;
    });
    const started = Date.now();
    for (;;) {
      if (exited) throw new Error(`nats-server ${exited}\n${log}`);
      if (ready && (await canConnect(port))) return;
      if (Date.now() - started > timeoutMs) {
        proc.kill('SIGKILL');
        throw new Error(`nats-server did not accept connections on ${port} within ${timeoutMs} ms\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const halt = async (kill: boolean): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(kill ? 'SIGKILL' : 'SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  };

  try {
    await launch();
  } catch (err) {
    await halt(true);
    await rm(root, { recursive: true, force: true });
    throw err;
  }

  return {
    url: `nats://127.0.0.1:${port}`,
    wsUrl: wsPort === undefined ? undefined : `ws://127.0.0.1:${wsPort}`,
    port,
    wsPort,
    storeDir,
    password,
    get pid() {
      return child?.pid;
    },
    output: () => log,
    async stop(opts = {}) {
      await halt(opts.kill ?? false);
      await rm(root, { recursive: true, force: true });
    },
    async restart(opts = {}) {
      await halt(opts.kill ?? false);
      await launch();
    },
  };
}

/** One call to a `memoryLogger`. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

/** A logger that keeps what it is told, for tests that check what was logged. */
export function memoryLogger(): BusLogger & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg: string): void => {
      entries.push({ level, obj, msg });
    };
  return { entries, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
