// The embedded server's own config (infra/nats.conf): the `ordo` user may do everything,
// the browser's `viewer` user may only subscribe to events, logs and cloud-state changes.
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { buildEventSchema } from '@ordo/contracts';
import { Events } from 'nats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bus, connectBus } from './connection';
import { ensureStreams } from './streams';
import { ALL_EVENTS, eventsSubject, execFilter } from './subjects';
import { memoryLogger, type NatsServerHandle, startNatsServer } from './testing';

const configFile = fileURLToPath(new URL('../../../infra/nats.conf', import.meta.url));

let server: NatsServerHandle;
let ordo: Bus;
let viewer: Bus;
const viewerLog = memoryLogger();

beforeAll(async () => {
  server = await startNatsServer({ configFile });
  ordo = await connectBus({
    url: server.url,
    user: 'ordo',
    pass: server.password,
    name: 'ordo',
    logger: memoryLogger(),
  });
  viewer = await connectBus({
    url: server.url,
    user: 'viewer',
    pass: 'viewer',
    name: 'viewer',
    logger: viewerLog,
  });
});

afterAll(async () => {
  await viewer?.close();
  await ordo?.close();
  await server?.stop();
});

const event = { seq: 1, at: 1, type: 'build_state', state: 'running' } as const;

describe('infra/nats.conf', () => {
  it('runs JetStream and a WebSocket listener on the ports given by the environment', async () => {
    expect(server.wsUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const made = await ensureStreams(ordo);
    expect(made).toHaveLength(4);
    expect(server.output()).toContain(`ws://0.0.0.0:${server.wsPort}`);
    expect(await websocketUpgradeStatus(server.wsPort ?? 0)).toBe(101);
  });

  it('refuses the ordo user without its password', async () => {
    await expect(
      connectBus({ url: server.url, user: 'ordo', pass: 'wrong', name: 'intruder', logger: memoryLogger() }),
    ).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });

  it('lets the viewer subscribe to ordo.events.> and receive what ordo publishes', async () => {
    const sub = viewer.subscribe(ALL_EVENTS, buildEventSchema);
    await viewer.flush();
    ordo.publish(eventsSubject('b.1'), buildEventSchema, event);
    for await (const m of sub) {
      expect(m.data).toEqual(event);
      break;
    }
  });

  it("rejects the viewer's publish: nobody receives it and the server reports a permissions violation", async () => {
    const received: number[] = [];
    const watch = ordo.subscribe(ALL_EVENTS, buildEventSchema);
    void (async () => {
      for await (const m of watch) received.push(m.data.seq);
    })();
    await ordo.flush();

    const violation = (async () => {
      for await (const s of viewer.nc.status()) {
        if (s.type === Events.Error) return String(s.data);
      }
    })();
    viewer.publish(eventsSubject('b.1'), buildEventSchema, { ...event, seq: 99 });
    await viewer.flush();
    expect(await violation).toMatch(/permission/i);
    await ordo.flush();
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual([]);
    expect(viewerLog.entries.some((e) => e.level === 'error' && e.msg === 'NATS async error')).toBe(true);
    watch.unsubscribe();

    // … nor can it publish to JetStream (its publish never reaches the stream)
    await expect(
      viewer.jsPublish(eventsSubject('b.1'), buildEventSchema, event, { timeoutMs: 500 }),
    ).rejects.toMatchObject({ code: 'PUBLISH_FAILED' });
    expect(viewer.isClosed()).toBe(false);
  });

  it('refuses the viewer a subscription outside events, logs and resources', async () => {
    const sub = viewer.subscribe(execFilter({}), buildEventSchema);
    await expect(
      (async () => {
        for await (const _ of sub) {
          // nothing may arrive
        }
      })(),
    ).rejects.toThrow(/permission/i);
  });
});

/** Status of a WebSocket upgrade request (101 when the listener speaks WebSocket). */
function websocketUpgradeStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': Buffer.from('ordo-test-key-16').toString('base64'),
      },
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode);
    });
    req.on('response', (res) => resolve(res.statusCode));
    req.on('error', reject);
    req.end();
  });
}
