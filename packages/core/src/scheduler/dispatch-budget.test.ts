// The dispatch budget (StepOptions.maxDispatches): a wide wave split over `continue` steps ends
// with the same dispatches, in the same order, as one step without a budget; what is held back
// stays queued through a save and a restore.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBuild } from './create-build';
import { restoreBuild, type SavedBuild, savedBuild, savedComponent } from './restore';
import { step } from './step';
import { assertConsistent, assertNoIdleWork, dispatchedIds, done, graph } from './test-support';
import type { CreateBuildInput } from './types';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);

function input(n: number, options: Partial<CreateBuildInput> = {}): CreateBuildInput {
  return { id: 'b1', environment: 'e', createdAt: 0, graph: graph(ids(n)), seed: 1, ...options };
}

describe('dispatch budget', () => {
  it('splits a wave over continue steps: same dispatches, same order, more until none is left', () => {
    const whole = createBuild(input(5));
    const all = dispatchedIds(step(whole, { kind: 'start' }, 0).commands);

    const s = createBuild(input(5));
    const first = step(s, { kind: 'start' }, 0, { maxDispatches: 2 });
    expect(dispatchedIds(first.commands)).toEqual(all.slice(0, 2));
    expect(first.more).toBe(true);
    assertConsistent(s);
    expect(s.counts.running).toBe(2);
    expect(s.queuedCount).toBe(3);
    const second = step(s, { kind: 'continue' }, 1, { maxDispatches: 2 });
    expect(dispatchedIds(second.commands)).toEqual(all.slice(2, 4));
    expect(second.more).toBe(true);
    const third = step(s, { kind: 'continue' }, 2, { maxDispatches: 2 });
    expect(dispatchedIds(third.commands)).toEqual(all.slice(4));
    expect(third.more).toBeUndefined();
    assertNoIdleWork(s);
    // nothing left: continue changes nothing
    expect(step(s, { kind: 'continue' }, 3, { maxDispatches: 2 })).toEqual({ state: s, commands: [] });
  });

  it('a budget of exactly the wave leaves nothing behind (no needless continue)', () => {
    const s = createBuild(input(3));
    const result = step(s, { kind: 'start' }, 0, { maxDispatches: 3 });
    expect(dispatchedIds(result.commands)).toHaveLength(3);
    expect(result.more).toBeUndefined();
  });

  it('a build is not finished while components are held back, and finishes once they ran', () => {
    const s = createBuild(input(2));
    step(s, { kind: 'start' }, 0, { maxDispatches: 1 });
    // the one dispatched completes before the continue is stepped: the other is still queued
    const after = step(s, done('c0'), 1, { maxDispatches: 1 });
    expect(s.status).toBe('running');
    expect(dispatchedIds(after.commands)).toEqual(['c1']);
    step(s, done('c1'), 2);
    expect(s.status).toBe('completed');
  });

  it('continue on a build that is not running changes nothing', () => {
    const pending = createBuild(input(2));
    expect(step(pending, { kind: 'continue' }, 0)).toEqual({ state: pending, commands: [] });
    expect(pending.status).toBe('pending');
    const finished = createBuild(input(1));
    step(finished, { kind: 'start' }, 0);
    step(finished, done('c0'), 1);
    expect(step(finished, { kind: 'continue' }, 2)).toEqual({ state: finished, commands: [] });
  });

  it('what is held back survives a save and a restore (a runner that died between the steps)', () => {
    const options = input(6);
    const s = createBuild(options);
    step(s, { kind: 'start' }, 0, { maxDispatches: 2 });
    const saved = JSON.parse(
      JSON.stringify({ build: savedBuild(s), components: s.components.map(savedComponent) }),
    ) as SavedBuild;
    const restored = restoreBuild(options, saved);
    const rest = dispatchedIds(step(restored, { kind: 'continue' }, 1).commands);
    expect(rest).toEqual(dispatchedIds(step(s, { kind: 'continue' }, 1).commands));
    expect(rest).toHaveLength(4);
  });

  it('with limits, random budgets: every step dispatches what one unbudgeted step would, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
        (n, budget, limit) => {
          const options = input(n, limit === undefined ? {} : { concurrency: { build: limit } });
          const whole = createBuild(options);
          const expected = dispatchedIds(step(whole, { kind: 'start' }, 0).commands);
          const s = createBuild(options);
          let result = step(s, { kind: 'start' }, 0, { maxDispatches: budget });
          const got = dispatchedIds(result.commands);
          let t = 1;
          while (result.more) {
            expect(dispatchedIds(result.commands).length).toBe(budget);
            result = step(s, { kind: 'continue' }, t++, { maxDispatches: budget });
            got.push(...dispatchedIds(result.commands));
            assertConsistent(s);
          }
          expect(got).toEqual(expected);
          assertNoIdleWork(s);
        },
      ),
    );
  });
});
