// Fewer socket writes: what a connection sends during one turn of the event loop goes out in
// ONE write.
//
// nats.js appends every command (PUB, HPUB, ACK, pull request, SUB…) to an outbound buffer and
// sends the buffer from a microtask queued when the buffer was empty. On a busy process whose
// work is promise chains (the runner's effects, the executors' answers), microtasks run one
// chain step at a time, so nearly every publish got its own microtask, its own `socket.write`
// and its own system call: in bench/runtime.ts ≈ 11 % of the process's CPU went to
// `writeBuffer` alone. Here the buffer is sent from `setImmediate` instead — after every I/O
// callback of this loop turn and the microtasks they queued — and at once when it passes
// nats.js's own threshold (32 KiB), and before the connection closes. Nothing else changes:
// the same bytes, in the same order, on the same socket.
//
// This reaches into the client's protocol handler (`nc.protocol`, not part of nats.js's typed
// API). It checks the shape it needs and leaves the connection as it is when it differs, so a
// client upgrade can only lose the saving, not break the connection.
import type { NatsConnection } from 'nats';

interface ProtocolShape {
  flushPending(): void;
  _close(err?: Error): Promise<void>;
  outbound: { size(): number };
  pendingLimit: number;
}

function protocolOf(nc: NatsConnection): ProtocolShape | undefined {
  const protocol = (nc as unknown as { protocol?: Partial<ProtocolShape> }).protocol;
  if (
    !protocol ||
    typeof protocol.flushPending !== 'function' ||
    typeof protocol._close !== 'function' ||
    typeof protocol.outbound?.size !== 'function' ||
    typeof protocol.pendingLimit !== 'number'
  ) {
    return undefined;
  }
  return protocol as ProtocolShape;
}

/** Sends `nc`'s outbound buffer once per event-loop turn; false when the client's shape is unknown. */
export function coalesceWrites(nc: NatsConnection): boolean {
  const protocol = protocolOf(nc);
  if (!protocol) return false;
  const flushNow = protocol.flushPending.bind(protocol);
  const close = protocol._close.bind(protocol);
  let scheduled: NodeJS.Immediate | undefined;
  const flushScheduled = () => {
    scheduled = undefined;
    flushNow();
  };
  protocol.flushPending = () => {
    // nats.js flushes inline past its threshold: keep that, so that a burst never grows the buffer
    if (protocol.outbound.size() >= protocol.pendingLimit) {
      flushNow();
      return;
    }
    scheduled ??= setImmediate(flushScheduled);
  };
  protocol._close = (err?: Error) => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    flushNow();
    return close(err);
  };
  return true;
}
