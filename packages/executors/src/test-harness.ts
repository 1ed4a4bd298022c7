// Test support for this package's integration tests: a real nats-server, Ordo's streams, a
// collector of results (through `consumeResults`) and of log lines (ORDO_LOGS by core NATS).
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ALL_LOGS,
  type Bus,
  type BusSubscription,
  connectBus,
  consumeResults,
  type DurableSubscription,
  ensureStreams,
  parseLogsSubject,
  publishCancel,
  publishDispatch,
  type ResultDelivery,
} from '@ordo/bus';
import { memoryLogger, type NatsServerHandle, startNatsServer } from '@ordo/bus/testing';
import {
  type DispatchMessage,
  dispatchKey,
  type ExecMeta,
  type LogLine,
  logLineSchema,
} from '@ordo/contracts';

export interface Harness {
  server: NatsServerHandle;
  bus: Bus;
  dataDir: string;
  logger: ReturnType<typeof memoryLogger>;
  /** a fresh data dir (e.g. for a second executor "machine") */
  tempDir(): Promise<string>;
  /** a new bus connection (closed by `close()` unless closed before) */
  connect(name: string): Promise<Bus>;
  /** publishes a dispatch; returns its meta (key included) */
  dispatch(
    component: Partial<DispatchMessage> & Record<string, unknown>,
    opts?: DispatchOptions,
  ): Promise<ExecMeta>;
  cancel(component: DispatchMessage, meta: ExecMeta): Promise<void>;
  /** every result received for a key so far */
  results(key: string): ResultDelivery[];
  /** the first result for a key, waiting up to `timeoutMs` */
  result(key: string, timeoutMs?: number): Promise<ResultDelivery>;
  /** log lines received for a build + component */
  logs(build: string, componentId: string): LogLine[];
  /** waits until a log line of the component contains `text` */
  logLine(build: string, componentId: string, text: string, timeoutMs?: number): Promise<LogLine>;
  close(): Promise<void>;
}

export interface DispatchOptions {
  build?: string;
  attempt?: number;
  /** epoch ms; default one minute from now */
  deadline?: number;
}

export const newBuildId = (): string => `build-${randomUUID().slice(0, 8)}`;

/** Polls `check` until it returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Whether a process runs (a zombie waiting for init to reap it counts as gone). */
export async function processRunning(pid: number): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Waits until the process is gone; throws after `timeoutMs`. */
export async function processGone(pid: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (await processRunning(pid)) {
    if (Date.now() - started > timeoutMs) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startHarness(name: string): Promise<Harness> {
  const server = await startNatsServer();
  const logger = memoryLogger();
  const buses: Bus[] = [];
  const connect = async (connName: string) => {
    const b = await connectBus({ url: server.url, name: connName, logger, reconnectTimeWaitMs: 50 });
    buses.push(b);
    return b;
  };
  const bus = await connect(`${name}-test`);
  await ensureStreams(bus);
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-executors-'));
    dirs.push(dir);
    return dir;
  };
  const dataDir = await tempDir();

  const byKey = new Map<string, ResultDelivery[]>();
  const resultSub: DurableSubscription<ResultDelivery> = await consumeResults(bus, {
    durable: 'test_results',
    ackWaitMs: 5000,
  });
  void (async () => {
    for await (const r of resultSub) {
      const list = byKey.get(r.meta.key) ?? [];
      list.push(r);
      byKey.set(r.meta.key, list);
      await r.ack().catch(() => undefined);
    }
  })();

  const logLines = new Map<string, LogLine[]>();
  const logSub: BusSubscription<LogLine> = bus.subscribe(ALL_LOGS, logLineSchema);
  void (async () => {
    for await (const m of logSub) {
      const ids = parseLogsSubject(m.subject);
      if (!ids) continue;
      const k = `${ids.buildId}\u0000${ids.componentId}`;
      const list = logLines.get(k) ?? [];
      list.push(m.data);
      logLines.set(k, list);
    }
  })();
  await bus.flush();

  const logs = (build: string, componentId: string) => logLines.get(`${build}\u0000${componentId}`) ?? [];

  return {
    server,
    bus,
    dataDir,
    logger,
    tempDir,
    connect,
    async dispatch(component, opts = {}) {
      const build = opts.build ?? (typeof component.service === 'string' ? component.service : newBuildId());
      const message = { service: build, ...component } as DispatchMessage;
      const meta = {
        build,
        component: message._component_id,
        attempt: opts.attempt ?? 1,
        deadline: opts.deadline ?? Date.now() + 60_000,
      };
      await publishDispatch(bus, message, meta);
      return { ...meta, key: dispatchKey(meta.build, meta.component, meta.attempt) };
    },
    async cancel(component, meta) {
      const { key: _key, ...rest } = meta;
      await publishCancel(bus, component, rest);
    },
    results: (key) => byKey.get(key) ?? [],
    result: (key, timeoutMs = 5000) => waitFor(`a result for ${key}`, () => byKey.get(key)?.[0], timeoutMs),
    logs,
    logLine: (build, componentId, text, timeoutMs = 5000) =>
      waitFor(
        `log line "${text}" of ${componentId}`,
        () => logs(build, componentId).find((l) => l.line.includes(text)),
        timeoutMs,
      ),
    async close() {
      await resultSub.stop();
      logSub.unsubscribe();
      for (const b of buses) if (!b.isClosed()) await b.close();
      await server.stop();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    },
  };
}
