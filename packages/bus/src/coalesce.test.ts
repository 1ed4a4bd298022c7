// Write coalescing (coalesce.ts): the same bytes in the same order, fewer socket writes.
import type { NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coalesceWrites } from './coalesce';
import { type Bus, connectBus } from './connection';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

let server: NatsServerHandle;
let reader: Bus;

beforeAll(async () => {
  server = await startNatsServer();
  reader = await connectBus({ url: server.url, name: 'coalesce-reader', logger: memoryLogger() });
});

afterAll(async () => {
  await reader?.close();
  await server?.stop();
});

/** Receives `count` messages on `subject`, as numbers, in arrival order. */
async function receive(subject: string, count: number): Promise<() => Promise<number[]>> {
  const got: number[] = [];
  let done!: () => void;
  const all = new Promise<void>((resolve) => {
    done = resolve;
  });
  reader.nc.subscribe(subject, {
    callback: (_err, msg) => {
      got.push(Number(new TextDecoder().decode(msg.data)));
      if (got.length === count) done();
    },
  });
  await reader.flush();
  return async () => {
    await all;
    return got;
  };
}

describe('coalesced writes', () => {
  it('deliver everything published in one turn, in order, in fewer writes than messages', async () => {
    const writer = await connectBus({ url: server.url, name: 'coalesce-writer', logger: memoryLogger() });
    const socket = (writer.nc as unknown as { protocol: { transport: { socket: { write: unknown } } } })
      .protocol.transport.socket as { write: (...args: unknown[]) => boolean };
    let writes = 0;
    const write = socket.write.bind(socket);
    socket.write = (...args: unknown[]) => {
      writes += 1;
      return write(...args);
    };
    const result = await receive('coalesce.order', 2_000);
    // each from a later microtask than the one before, as promise chains (the runner's effects,
    // the executors' answers) publish: nats.js alone writes each on its own
    for (let i = 0; i < 2_000; i++) {
      await Promise.resolve();
      writer.nc.publish('coalesce.order', String(i));
    }
    await writer.flush();
    expect(await result()).toEqual(Array.from({ length: 2_000 }, (_, i) => i));
    expect(writes).toBeLessThan(100);
    await writer.close();
  });

  it('send what is still buffered when the connection closes', async () => {
    const writer = await connectBus({ url: server.url, name: 'coalesce-close', logger: memoryLogger() });
    const result = await receive('coalesce.close', 500);
    for (let i = 0; i < 500; i++) writer.nc.publish('coalesce.close', String(i));
    await writer.close();
    expect(await result()).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('leave a connection of another shape as it is', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
