'use client';
// The browser's one NATS connection (nats.ws), as the subscribe-only `viewer` user. Build
// events arrive as batches `{events: [...]}` on `ordo.events.<build>`; log lines on
// `ordo.logs.<build>.<component>`. Callers load a snapshot over tRPC first and use the
// batches' `seq` to notice a gap (then they reload the snapshot): no polling.
import { buildLogsFilter, eventsSubject } from '@ordo/bus/subjects';
import { type BuildEventBatch, buildEventBatchSchema, type LogLine, logLineSchema } from '@ordo/contracts';
import { connect, type NatsConnection } from 'nats.ws';

type Status = 'connecting' | 'connected' | 'reconnecting' | 'closed';

let connection: Promise<NatsConnection> | undefined;
const statusListeners = new Set<(status: Status) => void>();

function emit(status: Status) {
  for (const listener of statusListeners) listener(status);
}

async function open(): Promise<NatsConnection> {
  const config = (await (await fetch('/api/live')).json()) as { wsUrl: string; user: string; pass: string };
  emit('connecting');
  const nc = await connect({
    servers: config.wsUrl,
    user: config.user,
    pass: config.pass,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
  });
  emit('connected');
  void (async () => {
    for await (const s of nc.status()) {
      if (s.type === 'reconnecting' || s.type === 'disconnect') emit('reconnecting');
      if (s.type === 'reconnect') emit('connected');
    }
  })();
  void nc.closed().then(() => {
    connection = undefined;
    emit('closed');
  });
  return nc;
}

export function liveConnection(): Promise<NatsConnection> {
  connection ??= open().catch((error) => {
    connection = undefined;
    throw error;
  });
  return connection;
}

/** Calls `listener` on every connection status change (e.g. to reload a snapshot on reconnect). */
export function onLiveStatus(listener: (status: Status) => void): () => void {
  statusListeners.add(listener);
  return () => statusListeners.delete(listener);
}

const decoder = new TextDecoder();

function follow<T>(subject: string, parse: (value: unknown) => T | undefined, onValue: (value: T) => void) {
  let stopped = false;
  let unsubscribe: (() => void) | undefined;
  void liveConnection().then((nc) => {
    if (stopped) return;
    const sub = nc.subscribe(subject);
    unsubscribe = () => sub.unsubscribe();
    void (async () => {
      for await (const msg of sub) {
        try {
          const value = parse(JSON.parse(decoder.decode(msg.data)));
          if (value !== undefined) onValue(value);
        } catch {
          // a malformed message is skipped; the seq check reloads the snapshot if it mattered
        }
      }
    })();
  });
  return () => {
    stopped = true;
    unsubscribe?.();
  };
}

/** Follows a build's event batches. Returns a function that stops following. */
export function followBuildEvents(buildId: string, onBatch: (batch: BuildEventBatch) => void): () => void {
  return follow(eventsSubject(buildId), (v) => buildEventBatchSchema.safeParse(v).data, onBatch);
}

/** Follows every log line of a build. */
export function followBuildLogs(buildId: string, onLine: (line: LogLine) => void): () => void {
  return follow(buildLogsFilter(buildId), (v) => logLineSchema.safeParse(v).data, onLine);
}
