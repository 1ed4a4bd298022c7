import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { createBuild } from './create-build';
import { simulateBuild } from './simulate';
import { step } from './step';
import { assertConsistent, component } from './test-support';
import type { BuildState } from './types';

interface Dag {
  n: number;
  edges: [number, number][];
  none: boolean[];
  durations: number[];
}

/** Random DAGs: edges only from a lower to a higher index. */
const dagArb = (options: { allowNone?: boolean } = {}): fc.Arbitrary<Dag> =>
  fc.integer({ min: 1, max: 60 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc
        .array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 3 * n })
        .map((pairs) =>
          pairs
            .filter(([a, b]) => a !== b)
            .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]),
        ),
      none: fc.array(options.allowNone ? fc.boolean() : fc.constant(false), { minLength: n, maxLength: n }),
      durations: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: n, maxLength: n }),
    }),
  );

const id = (i: number) => `c${i}`;

function toGraph(dag: Dag): Graph {
  return {
    name: 'prop',
    changes: Array.from({ length: dag.n }, (_, i) =>
      component(id(i), { action: dag.none[i] ? 'none' : 'create' }),
    ),
    current: [],
    edges: dag.edges.map(([a, b]) => ({ source: id(a), destination: id(b) })),
  };
}

function sourcesOf(dag: Dag): number[][] {
  const sources: number[][] = Array.from({ length: dag.n }, () => []);
  for (const [a, b] of dag.edges) sources[b]?.push(a);
  return sources;
}

/** Nodes on the longest path (edges go low → high, so index order is topological). */
function criticalPath(dag: Dag): number {
  const sources = sourcesOf(dag);
  const longest: number[] = [];
  for (let i = 0; i < dag.n; i++)
    longest[i] = 1 + Math.max(0, ...(sources[i] ?? []).map((s) => longest[s] ?? 0));
  return Math.max(...longest);
}

const index = (componentId: string) => Number(componentId.slice(1));

describe('properties over random DAGs', () => {
  it('(a) with all successes every component is dispatched exactly once (none: never) and all complete', () => {
    fc.assert(
      fc.property(dagArb({ allowNone: true }), fc.integer({ min: 0, max: 8 }), (dag, limit) => {
        const state = createBuild({
          id: 'p',
          environment: 'e',
          createdAt: 0,
          graph: toGraph(dag),
          concurrency: { build: limit },
        });
        const result = simulateBuild(state, { duration: (c) => dag.durations[index(c)] ?? 1 });
        const counts = new Map<string, number>();
        for (const c of result.dispatchOrder) counts.set(c, (counts.get(c) ?? 0) + 1);
        for (let i = 0; i < dag.n; i++) expect(counts.get(id(i)) ?? 0).toBe(dag.none[i] ? 0 : 1);
        expect(result.state.status).toBe('completed');
        expect(result.state.counts.completed).toBe(dag.n);
      }),
      { numRuns: 150 },
    );
  });

  it('(b) nothing is dispatched before all its sources completed', () => {
    fc.assert(
      fc.property(dagArb({ allowNone: true }), fc.integer({ min: 0, max: 4 }), (dag, limit) => {
        const sources = sourcesOf(dag);
        const state = createBuild({
          id: 'p',
          environment: 'e',
          createdAt: 0,
          graph: toGraph(dag),
          concurrency: { build: limit },
        });
        simulateBuild(state, {
          duration: (c) => dag.durations[index(c)] ?? 1,
          onStep: (_event, result) => {
            for (const command of result.commands) {
              if (command.kind !== 'dispatch') continue;
              for (const s of sources[index(command.componentId)] ?? []) {
                expect(result.state.components[s]?.state).toBe('completed');
              }
            }
          },
        });
        // and by the clock: a dispatch never precedes a source's finish
        for (let d = 0; d < dag.n; d++) {
          const first = state.components[d]?.history[0];
          if (!first) continue;
          for (const s of sources[d] ?? []) {
            const finished = state.components[s]?.history.at(-1)?.finishedAt ?? 0;
            expect(first.dispatchedAt).toBeGreaterThanOrEqual(finished);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('(c) unlimited concurrency, equal durations: makespan = critical path × duration', () => {
    fc.assert(
      fc.property(dagArb(), fc.integer({ min: 1, max: 50 }), (dag, duration) => {
        const state = createBuild({ id: 'p', environment: 'e', createdAt: 0, graph: toGraph(dag) });
        const result = simulateBuild(state, { duration: () => duration, now: 1000 });
        expect(result.makespan).toBe(criticalPath(dag) * duration);
      }),
      { numRuns: 150 },
    );
  });

  it('(d) with a limit k, never more than k in flight (and per provider)', () => {
    fc.assert(
      fc.property(
        dagArb(),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 3 }),
        (dag, k, perAws) => {
          const g = toGraph(dag);
          g.changes.forEach((c, i) => {
            if (i % 2 === 0) c.provider = 'aws';
          });
          const state = createBuild({
            id: 'p',
            environment: 'e',
            createdAt: 0,
            graph: g,
            concurrency: { build: k, providers: { aws: perAws } },
          });
          let peak = 0;
          const result = simulateBuild(state, {
            duration: (c) => dag.durations[index(c)] ?? 1,
            onStep: (_e, r) => {
              const running = r.state.components.filter((c) => c.state === 'running');
              peak = Math.max(peak, running.length);
              expect(running.length).toBeLessThanOrEqual(k);
              expect(running.filter((c) => c.provider === 'aws').length).toBeLessThanOrEqual(perAws);
            },
          });
          expect(result.state.status).toBe('completed');
          expect(peak).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('(e) after an injected failure and a build retry, everything completes and nothing completed runs twice', () => {
    fc.assert(
      fc.property(
        dagArb({ allowNone: true }),
        fc.nat(59),
        fc.constantFrom<'fail-fast' | 'continue'>('fail-fast', 'continue'),
        fc.integer({ min: 0, max: 3 }),
        (dag, pick, policy, limit) => {
          const g = toGraph(dag);
          const candidates = g.changes.filter((c) => c.action !== 'none');
          fc.pre(candidates.length > 0);
          const victim = candidates[pick % candidates.length]?.id as string;
          const state: BuildState = createBuild({
            id: 'p',
            environment: 'e',
            createdAt: 0,
            graph: g,
            policy,
            concurrency: { build: limit },
          });
          const first = simulateBuild(state, {
            duration: (c) => dag.durations[index(c)] ?? 1,
            fail: (c, attempt) => (c === victim && attempt === 1 ? 'injected' : undefined),
          });
          expect(first.state.status).toBe('errored');
          const completedBefore = state.components.filter((c) => c.state === 'completed').map((c) => c.id);
          const retried = step(state, { kind: 'retry', actor: 'test' }, first.now + 1);
          expect(retried.rejected).toBeUndefined();
          assertConsistent(state);
          const second = simulateBuild(state, {
            duration: (c) => dag.durations[index(c)] ?? 1,
            now: first.now + 1,
          });
          expect(second.state.status).toBe('completed');
          expect(state.components.every((c) => c.state === 'completed')).toBe(true);
          const redispatched = [
            ...retried.commands.flatMap((c) => (c.kind === 'dispatch' ? [c.componentId] : [])),
            ...second.dispatchOrder,
          ];
          for (const c of completedBefore) expect(redispatched).not.toContain(c);
          for (const c of state.components)
            if (completedBefore.includes(c.id)) expect(c.history.length).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps its bookkeeping consistent through random failures, retries and operator actions', () => {
    fc.assert(
      fc.property(
        dagArb({ allowNone: true }),
        fc.array(fc.tuple(fc.constantFrom('retry', 'skip', 'cancel', 'retry-build'), fc.nat(59)), {
          maxLength: 6,
        }),
        fc.integer({ min: 0, max: 3 }),
        (dag, actions, limit) => {
          const state = createBuild({
            id: 'p',
            environment: 'e',
            createdAt: 0,
            graph: toGraph(dag),
            policy: dag.n % 2 === 0 ? 'continue' : 'fail-fast',
            concurrency: { build: limit },
            defaults: { attempts: 2, backoffMs: 5 },
          });
          let now = 0;
          const fail = (c: string, attempt: number) => ((index(c) + attempt) % 3 === 0 ? 'flaky' : undefined);
          const result = simulateBuild(state, {
            duration: (c) => dag.durations[index(c)] ?? 1,
            fail,
            onStep: (_e, r) => assertConsistent(r.state),
          });
          now = result.now;
          for (const [kind, pick] of actions) {
            const target = id(pick % dag.n);
            now += 1;
            const event =
              kind === 'retry-build'
                ? { kind: 'retry' as const, actor: 't' }
                : { kind: kind as 'retry' | 'skip' | 'cancel', actor: 't', componentId: target };
            step(state, event, now);
            assertConsistent(state);
            now = simulateBuild(state, {
              duration: (c) => dag.durations[index(c)] ?? 1,
              fail,
              now,
              onStep: (_e, r) => assertConsistent(r.state),
            }).now;
          }
          expect(['completed', 'errored', 'cancelled']).toContain(state.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
