// The runner end to end: real nats-server, real SQLite file, the runner as a child process.
import { afterEach, describe, expect, test } from 'vitest';
import { readPublishedSeqs } from './testing/events';
import { ernestExample, layeredGraph } from './testing/graphs';
import { startWorld, type World } from './testing/world';

let world: World | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Dispatch keys seen on the exec subjects, per component (core subscription beside JetStream). */
function watchDispatches(w: World) {
  const keys = new Map<string, Set<string>>();
  const order: string[] = [];
  const sub = w.bus.nc.subscribe(`${w.prefix}*.*.*`);
  void (async () => {
    for await (const msg of sub) {
      const key = msg.headers?.get('Ordo-Key') ?? '';
      const component = msg.headers?.get('Ordo-Component') ?? '';
      if (key === '') continue; // not a dispatch (a 3-token control subject, with an empty prefix)
      if (!keys.has(component)) {
        keys.set(component, new Set());
        order.push(component);
      }
      keys.get(component)?.add(key);
    }
  })();
  return { keys, order, stop: () => sub.unsubscribe() };
}

describe('runner', () => {
  test('the Ernest example runs in dependency order, errors at shop-web-2, and a retry completes it', async () => {
    world = await startWorld();
    await world.startRunner();
    const seen = watchDispatches(world);
    const id = await world.createBuild(ernestExample(), { simulate: true });
    expect(await world.waitFor(id, ['completed', 'errored', 'cancelled'])).toBe('errored');

    const snapshot = await world.store.builds.snapshot(id);
    const state = Object.fromEntries(snapshot?.components.map((c) => [c.id, c.state]) ?? []);
    expect(state['instance::shop-web-2']).toBe('errored');
    expect(snapshot?.components.find((c) => c.id === 'instance::shop-web-2')?.error).toContain(
      'quota exceeded',
    );
    expect(state['elb::shop']).toBe('waiting');
    expect(seen.keys.has('elb::shop')).toBe(false);
    // credentials (action none) is never dispatched; the vpc goes before its dependants
    expect(seen.keys.has('credentials::sim')).toBe(false);
    expect(seen.order[0]).toBe('vpc::shop');
    const vpc = snapshot?.components.find((c) => c.id === 'vpc::shop');
    expect(vpc?.outputs.vpc_id).toMatch(/^vpc-[0-9a-f]{8}$/);
    // the template resolved from the completed credentials component
    expect(vpc?.state).toBe('completed');

    expect(await world.action(id, 'retry')).toEqual({ ok: true });
    expect(await world.waitFor(id, ['completed', 'errored', 'cancelled'])).toBe('completed');
    const after = await world.store.builds.snapshot(id);
    expect(after?.components.every((c) => c.state === 'completed')).toBe(true);
    // nothing that had completed ran again: one dispatch key each, two for the retried one
    for (const [component, keys] of seen.keys) {
      expect(keys.size, component).toBe(component === 'instance::shop-web-2' ? 2 : 1);
    }
    expect(seen.keys.get('elb::shop')?.size).toBe(1);

    // a finished build refuses a second retry with a reason, and the refusal is recorded
    const refused = await world.action(id, 'retry');
    expect(refused).toMatchObject({ ok: false, code: 'not_allowed' });
    const actions = await world.store.builds.actions(id);
    expect(actions.map((a) => [a.action, a.accepted])).toEqual([
      ['retry', true],
      ['retry', false],
    ]);
    seen.stop();
  });

  test('events are stored and published with a gap-free sequence', async () => {
    world = await startWorld();
    await world.startRunner();
    const id = await world.createBuild(layeredGraph(30, 'nil'));
    expect(await world.waitFor(id, ['completed', 'errored'])).toBe('completed');
    const stored = await world.store.builds.events(id, 0, 10_000);
    expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1));
    const published = await readPublishedSeqs(world, id);
    expect(published).toEqual(stored.map((e) => e.seq));
  });

  test('an empty subject prefix (Ernest-style connectors) runs a build too', async () => {
    world = await startWorld({ prefix: '' });
    await world.startRunner();
    const seen = watchDispatches(world);
    const id = await world.createBuild(layeredGraph(12, 'nil'));
    expect(await world.waitFor(id, ['completed', 'errored'])).toBe('completed');
    expect(seen.keys.size).toBe(12);
    seen.stop();
  });

  test('a cancelled build stops its slow component and records who cancelled', async () => {
    world = await startWorld();
    await world.startRunner();
    const graph = {
      id: 'slow',
      edges: [{ source: 'sleep::long', destination: 'task::after' }],
      components: [],
      changes: [
        {
          _component_id: 'sleep::long',
          _component: 'task',
          _action: 'create',
          _provider: 'sleep',
          args: ['30'],
        },
        { _component_id: 'task::after', _component: 'task', _action: 'create', _provider: 'nil' },
      ],
    };
    const id = await world.createBuild(graph);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const snap = await world.store.builds.snapshot(id);
      if (snap?.components.find((c) => c.id === 'sleep::long')?.state === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await world.action(id, 'cancel')).toEqual({ ok: true });
    expect(await world.waitFor(id, ['cancelled'], 20_000)).toBe('cancelled');
    const snap = await world.store.builds.snapshot(id);
    expect(snap?.components.map((c) => c.state)).toEqual(['cancelled', 'cancelled']);
    // log lines are stored by their own consumer, in batches: the line may land just after the
    // build's end (the executor logs it, then answers)
    let lines = '';
    for (const until = Date.now() + 10_000; Date.now() < until; ) {
      lines = (await world.store.logs.list(id, 'sleep::long')).map((l) => l.line).join('\n');
      if (lines.includes('cancel received')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(lines).toContain('cancel received');
  });
});
