// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Component, Graph } from '../graph/model';
import { createBuild } from './create-build';
import { changedComponents, restoreBuild, type SavedBuild, savedBuild, savedComponent } from './restore';
import { step } from './step';
import {
  assertConsistent,
  assertNoIdleWork,
  build,
  component,
  dispatchedIds,
  done,
  graph,
} from './test-support';
import type { BuildState, Command, CreateBuildInput, FailurePolicy, SchedulerEvent } from './types';

// ---------------------------------------------------------------------------------------------
// a random build and a random run of it

interface Scenario {
  n: number;
  edges: [number, number][];
  /** per component: 0 create, 1 none, 2 find, 3 delete, 4 update */
  kinds: number[];
  aws: boolean[];
  gate: boolean[];
  /** per component: 0 none, 1 `${source.out}` of its first source, 2 `$(components.#[…])` */
  templates: number[];
  policy: FailurePolicy;
  buildLimit: number;
  awsLimit: number;
  attempts: number;
  backoffMs: number;
  seed: number;
  script: { op: number; pick: number; ok: boolean; out: boolean; dt: number }[];
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.integer({ min: 1, max: 14 }).chain((n) =>
  fc.record({
    n: fc.constant(n),
    edges: fc
      .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 2 * n })
      .map((pairs) =>
        pairs
          .filter(([a, b]) => a !== b)
          .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
      ),
    kinds: fc.array(fc.constantFrom(0, 0, 0, 1, 2, 3, 4), { minLength: n, maxLength: n }),
    aws: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    gate: fc.array(
      fc.nat(6).map((x) => x === 0),
      { minLength: n, maxLength: n },
    ),
    templates: fc.array(fc.constantFrom(0, 0, 1, 2), { minLength: n, maxLength: n }),
    policy: fc.constantFrom<FailurePolicy>('fail-fast', 'continue'),
    buildLimit: fc.integer({ min: 0, max: 3 }),
    awsLimit: fc.integer({ min: 0, max: 2 }),
    attempts: fc.integer({ min: 1, max: 3 }),
    backoffMs: fc.integer({ min: 0, max: 20 }),
    seed: fc.nat(),
    script: fc.array(
      fc.record({
        op: fc.nat(19),
        pick: fc.nat(1000),
        ok: fc.boolean(),
        out: fc.boolean(),
        dt: fc.integer({ min: 0, max: 40 }),
      }),
      { minLength: 1, maxLength: 45 },
    ),
  }),
);

const cid = (i: number) => `c${i}`;
const KINDS = ['create', 'none', 'find', 'delete', 'update'];

function inputOf(sc: Scenario): CreateBuildInput {
  const firstSource = new Map<number, number>();
  for (const [a, b] of sc.edges) if (!firstSource.has(b)) firstSource.set(b, a);
  const changes: Component[] = [];
  for (let i = 0; i < sc.n; i++) {
    const props: Record<string, unknown> = { size: i };
    const source = firstSource.get(i);
    if (sc.templates[i] === 1 && source !== undefined) props.from = `\${${cid(source)}.out}`;
    if (sc.templates[i] === 2) props.found = '$(components.#[_component="found"].name)';
    changes.push(
      component(cid(i), {
        action: KINDS[sc.kinds[i] ?? 0] as string,
        provider: sc.aws[i] ? 'aws' : 'sim',
        props,
        ...(sc.gate[i] ? { policy: { gate: true } } : {}),
      }),
    );
  }
  const current = [
    component('found::old', { props: { name: 'old' } }),
    component(cid(0), { props: { size: 'old' } }),
    component('found::zz', { props: { name: 'zz' } }),
  ];
  const g: Graph = {
    name: 'restore',
    changes,
    current,
    edges: sc.edges.map(([a, b]) => ({ source: cid(a), destination: cid(b) })),
  };
  return {
    id: 'b1',
    environment: 'env',
    createdAt: 5,
    graph: g,
    policy: sc.policy,
    concurrency: { build: sc.buildLimit, providers: { aws: sc.awsLimit } },
    seed: sc.seed,
    defaults: { attempts: sc.attempts, backoffMs: sc.backoffMs, maxBackoffMs: 50, timeoutMs: 100 },
  };
}

interface Step {
  event: SchedulerEvent;
  now: number;
  commands: Command[];
}

/** What a store holds after a step: the build fields, and each component as last changed. */
interface Persisted {
  build: string;
  components: (string | undefined)[];
}

interface Run {
  steps: Step[];
  /** persisted[k]: what the store holds after steps[0..k] */
  persisted: Persisted[];
  /** JSON of the state after steps[0..k] */
  states: string[];
  final: BuildState;
}

/** Drives a build with the scenario's script: answers, timers (also late, twice, stale) and operator actions. */
function drive(sc: Scenario): Run {
  const input = inputOf(sc);
  const s = createBuild(input);
  const n = sc.n;
  const steps: Step[] = [];
  const persisted: Persisted[] = [];
  const states: string[] = [];
  const components: (string | undefined)[] = new Array(n).fill(undefined);
  /** deliverable events: answers to dispatches and timers */
  const pool: { at: number; event: SchedulerEvent; find: boolean }[] = [];
  let now = 10;

  const apply = (event: SchedulerEvent) => {
    const result = step(s, event, now);
    if (result.rejected) expect(result.commands).toEqual([]);
    for (const c of result.commands) {
      if (c.kind === 'dispatch') {
        pool.push({
          at: now,
          event: {
            kind: 'result',
            componentId: c.componentId,
            attempt: c.attempt,
            status: 'done',
            payload: {},
          },
          find: c.action === 'find',
        });
      } else if (c.kind === 'timer') {
        pool.push({ at: c.at, event: c.event, find: false });
      }
    }
    for (const i of changedComponents(s, event, result.commands)) {
      components[i] = JSON.stringify(savedComponent(s.components[i] as BuildState['components'][number]));
    }
    steps.push({ event, now, commands: result.commands });
    persisted.push({ build: JSON.stringify(savedBuild(s)), components: components.slice() });
    states.push(JSON.stringify(s));
  };

  apply({ kind: 'start' });
  for (const item of sc.script) {
    now += item.dt;
    const op = item.op;
    if (op < 11 && pool.length > 0) {
      // deliver a pending answer or timer; op 10 delivers it but keeps it (a re-delivery later)
      const k = item.pick % pool.length;
      const entry = pool[k] as (typeof pool)[number];
      if (op !== 10) pool.splice(k, 1);
      now = Math.max(now, entry.at);
      let event = entry.event;
      if (event.kind === 'result') {
        const payload: Record<string, unknown> = { _component_id: event.componentId };
        if (item.out) payload.out = `v${event.attempt}`;
        if (entry.find) {
          payload.components = [
            { _component_id: `found::${item.pick % 3}`, _component: 'found', name: `n${item.pick % 7}` },
            { _component_id: 'found::old', _component: 'found', name: 'again' },
          ];
        }
        event = item.ok
          ? { ...event, status: 'done', payload }
          : { ...event, status: 'error', payload: { ...payload, error: `boom ${item.pick}` } };
      }
      apply(event);
      continue;
    }
    const target = cid(item.pick % n);
    switch (op) {
      case 11:
      case 12:
        apply({ kind: 'retry', actor: 'op', componentId: target });
        break;
      case 13:
        apply({ kind: 'skip', actor: 'op', componentId: target });
        break;
      case 14:
        apply({ kind: 'cancel', actor: 'op', componentId: target });
        break;
      case 15:
      case 16: {
        const awaiting = s.components.filter((c) => c.awaitingApproval);
        const c = awaiting[item.pick % Math.max(1, awaiting.length)];
        apply({ kind: 'approve', actor: 'op', componentId: c ? c.id : target });
        break;
      }
      case 17:
        apply({ kind: 'retry', actor: 'op' });
        break;
      case 18:
        if (item.pick % 3 === 0) apply({ kind: 'cancel', actor: 'op' });
        else apply({ kind: 'retry', actor: 'op' });
        break;
      default:
        apply({ kind: 'start' }); // rejected once started
    }
  }
  return { steps, persisted, states, final: s };
}

function restoreAt(sc: Scenario, p: Persisted): BuildState {
  const saved: SavedBuild = {
    build: JSON.parse(p.build),
    components: p.components.map((c) => (c === undefined ? undefined : JSON.parse(c))),
  };
  return restoreBuild(inputOf(sc), saved);
}

// ---------------------------------------------------------------------------------------------

describe('restoreBuild', () => {
  it('with nothing saved but a pending build, equals createBuild', () => {
    const g = graph(['a', 'b', 'c'], [['a', 'b']], ['x']);
    const input: CreateBuildInput = { id: 'b1', environment: 'e', createdAt: 1, graph: g, seed: 7 };
    const fresh = createBuild(input);
    const restored = restoreBuild(input, {
      build: JSON.parse(JSON.stringify(savedBuild(fresh))),
      components: [],
    });
    expect(restored).toEqual(fresh);
    assertConsistent(restored);
  });

  it('restores the state a random run had at every step: field for field, then the same commands to the same end', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const run = drive(sc);
        for (let k = 0; k < run.steps.length; k++) {
          const restored = restoreAt(sc, run.persisted[k] as Persisted);
          assertConsistent(restored);
          expect(JSON.stringify(restored)).toBe(run.states[k]);
          for (let j = k + 1; j < run.steps.length; j++) {
            const { event, now, commands } = run.steps[j] as Step;
            expect(step(restored, event, now).commands).toEqual(commands);
          }
          expect(restored).toEqual(run.final);
          expect(Object.keys(restored.environmentState)).toEqual(Object.keys(run.final.environmentState));
          assertConsistent(restored);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('reaches the interesting states (so the property above is not vacuous)', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const run = drive(sc);
        for (const json of run.states) {
          const s = JSON.parse(json) as BuildState;
          if (s.retryQueue.length > 1) seen.add('retry queue of 2+');
          if (s.parked.some((p) => p.length > 0)) seen.add('parked');
          if (s.ready.some((i) => !s.components[i]?.queued)) seen.add('stale ready entry');
          if (s.components.some((c) => c.awaitingApproval)) seen.add('awaiting approval');
          if (s.components.some((c) => c.cancelRequested)) seen.add('cancel pending');
          if (s.components.some((c) => c.retryAt !== null)) seen.add('backoff');
          if (s.halted) seen.add('halted');
          if (s.status === 'cancelled') seen.add('cancelled build');
          if (s.components.some((c) => c.state === 'blocked')) seen.add('blocked');
          if (s.components.some((c) => c.error?.includes('template') || c.error?.includes('$'))) {
            seen.add('template failure');
          }
        }
      }),
      { numRuns: 300, seed: 42 },
    );
    expect([...seen].sort()).toEqual(
      [
        'awaiting approval',
        'backoff',
        'blocked',
        'cancel pending',
        'cancelled build',
        'halted',
        'parked',
        'retry queue of 2+',
        'stale ready entry',
        'template failure',
      ].sort(),
    );
  });

  it('keeps the order of due retries (FIFO), which no component field records', () => {
    const g = graph(['a', 'b', 'c']);
    const input: CreateBuildInput = {
      id: 'b1',
      environment: 'e',
      createdAt: 0,
      graph: g,
      concurrency: { build: 1 },
      defaults: { attempts: 2, backoffMs: 10 },
    };
    const s = createBuild(input);
    step(s, { kind: 'start' }, 0); // a runs
    step(s, { kind: 'result', componentId: 'a', attempt: 1, status: 'error', payload: { error: 'x' } }, 1); // b runs
    step(s, { kind: 'result', componentId: 'b', attempt: 1, status: 'error', payload: { error: 'x' } }, 2); // c runs
    step(s, { kind: 'retry_due', componentId: 'b', attempt: 1 }, 30);
    step(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, 31);
    expect(s.retryQueue).toEqual([1, 0]);
    const saved = JSON.parse(
      JSON.stringify({ build: savedBuild(s), components: s.components.map(savedComponent) }),
    ) as SavedBuild;
    const restored = restoreBuild(input, saved);
    const finish = done('c');
    expect(dispatchedIds(step(restored, finish, 40).commands)).toEqual(['b']);
    expect(dispatchedIds(step(s, finish, 40).commands)).toEqual(['b']);
  });

  it('restores a build with a component parked behind a template failure, which then runs to the end', () => {
    // Under `continue` with aws limited to 1, t and u wait parked behind w. When w completes,
    // `unpark` moves t into the free slot; t fails its template without taking it, so u takes
    // it (it used to stay parked with nothing in flight: the build was `running` forever). The
    // restored state must make the same moves, field for field, at every point.
    const input: CreateBuildInput = {
      id: 'b1',
      environment: 'e',
      createdAt: 0,
      policy: 'continue',
      concurrency: { providers: { aws: 1 } },
      graph: graph(
        [
          component('w', { provider: 'aws' }),
          component('t', { provider: 'aws', props: { x: '${s.out}' } }),
          component('u', { provider: 'aws' }),
          component('s', { action: 'none' }),
        ],
        [['s', 't']],
      ),
    };
    const restore = (from: BuildState) =>
      restoreBuild(
        input,
        JSON.parse(
          JSON.stringify({ build: savedBuild(from), components: from.components.map(savedComponent) }),
        ),
      );
    const s = createBuild(input);
    expect(dispatchedIds(step(s, { kind: 'start' }, 0).commands)).toEqual(['w']);
    expect(s.parked[0]).toEqual([1, 2]);
    const beforeW = restore(s);
    expect(beforeW).toEqual(s);

    const original = step(s, done('w'), 1).commands;
    expect(dispatchedIds(original)).toEqual(['u']);
    expect(s.components.map((c) => c.state)).toEqual(['completed', 'errored', 'running', 'completed']);
    expect(s.status).toBe('running');
    expect(step(beforeW, done('w'), 1).commands).toEqual(original);
    expect(beforeW).toEqual(s);

    const beforeU = restore(s);
    expect(beforeU).toEqual(s);
    const last = step(s, done('u'), 2).commands;
    expect(s.status).toBe('errored');
    expect(s.components.map((c) => c.state)).toEqual(['completed', 'errored', 'completed', 'completed']);
    expect(step(beforeU, done('u'), 2).commands).toEqual(last);
    expect(step(beforeW, done('u'), 2).commands).toEqual(last);
    expect(beforeU).toEqual(s);
    expect(beforeW).toEqual(s);
    assertConsistent(beforeW);
  });

  it('never leaves work idle that a free slot could take (runs biased to template failures under limits)', () => {
    // Most components on the limited provider, most templates naming a source's `out`, and most
    // answers without `out`: components fail at dispatch while others wait parked behind them.
    const biased = scenarioArb.chain((sc) =>
      fc
        .record({
          aws: fc.array(
            fc.nat(3).map((x) => x > 0),
            { minLength: sc.n, maxLength: sc.n },
          ),
          awsLimit: fc.integer({ min: 1, max: 2 }),
          out: fc.array(
            fc.nat(3).map((x) => x === 0),
            { minLength: sc.script.length, maxLength: sc.script.length },
          ),
        })
        .map((b) => ({
          ...sc,
          aws: b.aws,
          awsLimit: b.awsLimit,
          templates: sc.templates.map(() => 1),
          script: sc.script.map((item, k) => ({ ...item, out: b.out[k] as boolean })),
        })),
    );
    fc.assert(
      fc.property(biased, (sc) => {
        const run = drive(sc);
        for (const json of run.states) assertNoIdleWork(JSON.parse(json) as BuildState);
      }),
      { numRuns: 500 },
    );
  });

  it('changedComponents names the component of a retry_due that found no slot (no command names it)', () => {
    const s = build(graph(['a', 'b']), {
      concurrency: { build: 1 },
      defaults: { attempts: 2, backoffMs: 10 },
    });
    step(s, { kind: 'start' }, 0);
    step(s, { kind: 'result', componentId: 'a', attempt: 1, status: 'error', payload: {} }, 1); // b dispatched
    const event: SchedulerEvent = { kind: 'retry_due', componentId: 'a', attempt: 1 };
    const result = step(s, event, 20);
    expect(result.commands).toEqual([]);
    expect(s.components[0]?.retryDue).toBe(true);
    expect(changedComponents(s, event, result.commands)).toEqual([0]);
  });
});
