// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import type { Component } from '../graph/model';
import { apply, build, component, dispatchedIds, done, graph, stateOf } from './test-support';
import type { FailurePolicy } from './types';

describe('rule 2: concurrency limits and priority', () => {
  it('never has more in flight than the build limit; a completion frees a slot', () => {
    const s = build(graph(['a', 'b', 'c', 'd', 'e']), { concurrency: { build: 2 } });
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['a', 'b']);
    expect(s.counts.running).toBe(2);
    expect(dispatchedIds(apply(s, done('b'), 1).commands)).toEqual(['c']);
    expect(s.counts.running).toBe(2);
  });

  it('dispatches the ready component with the longest remaining path first', () => {
    // a → a2 → a3 (path 3), b (path 1), c → c2 (path 2)
    const s = build(
      graph(
        ['b', 'c', 'a', 'c2', 'a2', 'a3'],
        [
          ['a', 'a2'],
          ['a2', 'a3'],
          ['c', 'c2'],
        ],
      ),
      {
        concurrency: { build: 1 },
      },
    );
    const order: string[] = [];
    order.push(...dispatchedIds(apply(s, { kind: 'start' }).commands));
    for (let t = 1; t < 7 && s.status === 'running'; t++) {
      const current = s.components.find((c) => c.state === 'running');
      if (!current) break;
      order.push(...dispatchedIds(apply(s, done(current.id), t).commands));
    }
    // a (3) first; then a2 (2) and c (2) tie → input order: c (index 1) before a2 (index 4);
    // then b, c2 and a3 (1 each) in input order
    expect(order).toEqual(['a', 'c', 'a2', 'b', 'c2', 'a3']);
  });

  it('breaks ties by input order', () => {
    const s = build(graph(['z', 'y', 'x']), { concurrency: { build: 1 } });
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['z']);
    expect(dispatchedIds(apply(s, done('z'), 1).commands)).toEqual(['y']);
  });

  it('limits in-flight dispatches per provider, leaving other providers free', () => {
    const aws = (id: string) => component(id, { provider: 'aws' });
    const s = build(graph([aws('a1'), aws('a2'), aws('a3'), 's1', 's2']), {
      concurrency: { providers: { aws: 1 } },
    });
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['a1', 's1', 's2']);
    expect(s.providers).toEqual(['aws', 'sim']);
    expect(s.runningByProvider).toEqual([1, 2]);
    expect(dispatchedIds(apply(s, done('s1'), 1).commands)).toEqual([]);
    expect(dispatchedIds(apply(s, done('a1'), 2).commands)).toEqual(['a2']);
    expect(dispatchedIds(apply(s, done('a2'), 3).commands)).toEqual(['a3']);
  });

  it('combines build and provider limits, keeping priority order across providers', () => {
    const aws = (id: string) => component(id, { provider: 'aws' });
    // aws components have the longest paths but aws allows one at a time
    const s = build(
      graph(
        [aws('a1'), aws('a2'), 's1', 's2', 'x1', 'x2'],
        [
          ['a1', 'x1'],
          ['a2', 'x2'],
        ],
      ),
      {
        concurrency: { build: 2, providers: { aws: 1 } },
      },
    );
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['a1', 's1']);
    // a1 done: x1 (path 1, index 4) and parked a2 (path 2) compete; a2 wins
    expect(dispatchedIds(apply(s, done('a1'), 1).commands)).toEqual(['a2']);
    expect(dispatchedIds(apply(s, done('s1'), 2).commands)).toEqual(['s2']);
    expect(dispatchedIds(apply(s, done('a2'), 3).commands)).toEqual(['x1']);
    expect(dispatchedIds(apply(s, done('s2'), 4).commands)).toEqual(['x2']);
  });

  it('treats a missing, zero or negative limit as unlimited', () => {
    for (const limit of [undefined, 0, -3]) {
      const s = build(graph(['a', 'b', 'c']), {
        concurrency: { build: limit, providers: { sim: limit ?? 0 } },
      });
      expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['a', 'b', 'c']);
    }
  });

  it('does not count `none` components against the limits', () => {
    const s = build(graph(['a', component('n', { action: 'none' }), 'b'], [['n', 'b']]), {
      concurrency: { build: 1 },
    });
    apply(s, { kind: 'start' });
    expect(s.components.map((c) => c.state)).toEqual(['running', 'completed', 'waiting']);
  });
});

describe('rule 2: a component that leaves the queue without taking a slot frees it for the next', () => {
  // `s` is a `none` component without an `out` field, so `${s.out}` never resolves: `t` fails
  // at dispatch, after it was parked, and must not keep the components parked behind it waiting.
  const aws = (id: string, props: Record<string, unknown> = {}) => component(id, { provider: 'aws', props });
  const failing = (id: string) => aws(id, { x: '${s.out}' });
  const s = component('s', { action: 'none' });
  const parkedBehindTemplate = (policy: FailurePolicy, extra: Component[] = []) =>
    build(graph([aws('w'), failing('t'), aws('u'), s, ...extra], [['s', 't']]), {
      policy,
      concurrency: { providers: { aws: 1 } },
    });

  it('continue: a parked component behind a failing template is dispatched when the slot frees', () => {
    const b = parkedBehindTemplate('continue');
    expect(dispatchedIds(apply(b, { kind: 'start' }).commands)).toEqual(['w']);
    expect(b.parked[0]).toEqual([1, 2]); // t, u parked behind w
    expect(dispatchedIds(apply(b, done('w'), 1).commands)).toEqual(['u']);
    expect(stateOf(b, 't')).toBe('errored');
    expect(b.counts.running).toBe(1);
    expect(b.status).toBe('running');
    apply(b, done('u'), 2);
    expect(b.components.map((c) => [c.id, c.state])).toEqual([
      ['w', 'completed'],
      ['t', 'errored'],
      ['u', 'completed'],
      ['s', 'completed'],
    ]);
    expect(b.status).toBe('errored');
  });

  it('continue: several failing templates in a row, and a limit above 1', () => {
    const b = build(
      graph(
        [aws('w1'), aws('w2'), failing('t1'), failing('t2'), aws('u'), aws('v'), s],
        [
          ['s', 't1'],
          ['s', 't2'],
        ],
      ),
      { policy: 'continue', concurrency: { providers: { aws: 2 } } },
    );
    expect(dispatchedIds(apply(b, { kind: 'start' }).commands)).toEqual(['w1', 'w2']);
    // one slot frees: t1 and t2 fail without taking it, u takes it, v waits for the next
    expect(dispatchedIds(apply(b, done('w1'), 1).commands)).toEqual(['u']);
    expect([stateOf(b, 't1'), stateOf(b, 't2'), stateOf(b, 'v')]).toEqual(['errored', 'errored', 'waiting']);
    expect(dispatchedIds(apply(b, done('w2'), 2).commands)).toEqual(['v']);
    apply(b, done('u'), 3);
    apply(b, done('v'), 4);
    expect(b.status).toBe('errored');
    expect(b.counts).toMatchObject({ completed: 5, errored: 2 });
  });

  it('continue with a build-wide limit as well (the template failure frees no build slot either)', () => {
    const b = build(graph([aws('w'), failing('t'), aws('u'), s, 'x'], [['s', 't']]), {
      policy: 'continue',
      concurrency: { build: 2, providers: { aws: 1 } },
    });
    expect(dispatchedIds(apply(b, { kind: 'start' }).commands)).toEqual(['w', 'x']);
    expect(dispatchedIds(apply(b, done('x'), 1).commands)).toEqual([]); // aws is full
    expect(dispatchedIds(apply(b, done('w'), 2).commands)).toEqual(['u']);
    apply(b, done('u'), 3);
    expect(b.status).toBe('errored');
  });

  it('continue with a build-wide limit only', () => {
    const sim = (id: string, props: Record<string, unknown> = {}) => component(id, { props });
    const b = build(graph([sim('w'), sim('t', { x: '${s.out}' }), sim('u'), s], [['s', 't']]), {
      policy: 'continue',
      concurrency: { build: 1 },
    });
    expect(dispatchedIds(apply(b, { kind: 'start' }).commands)).toEqual(['w']);
    expect(dispatchedIds(apply(b, done('w'), 1).commands)).toEqual(['u']);
    apply(b, done('u'), 2);
    expect(b.status).toBe('errored');
  });

  it('fail-fast: the template failure halts the build, which ends errored at once (nothing in flight)', () => {
    const b = parkedBehindTemplate('fail-fast');
    apply(b, { kind: 'start' });
    expect(dispatchedIds(apply(b, done('w'), 1).commands)).toEqual([]);
    expect([stateOf(b, 't'), stateOf(b, 'u')]).toEqual(['errored', 'waiting']);
    expect(b.status).toBe('errored');
    // skipping the failed component lets u go
    expect(dispatchedIds(apply(b, { kind: 'skip', actor: 'op', componentId: 't' }, 2).commands)).toEqual([
      'u',
    ]);
    apply(b, done('u'), 3);
    expect(b.status).toBe('completed');
  });

  it('a cancelled parked component does not hold the slot for the one behind it', () => {
    const b = build(graph([aws('w'), aws('p'), aws('u')]), {
      policy: 'continue',
      concurrency: { providers: { aws: 1 } },
    });
    apply(b, { kind: 'start' });
    apply(b, { kind: 'cancel', actor: 'op', componentId: 'p' }, 1); // p leaves the queue, its entry stays parked
    expect(dispatchedIds(apply(b, done('w'), 2).commands)).toEqual(['u']);
    apply(b, done('u'), 3);
    expect(b.status).toBe('cancelled');
  });
});
