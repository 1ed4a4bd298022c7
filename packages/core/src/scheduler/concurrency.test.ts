import { describe, expect, it } from 'vitest';
import { apply, build, component, dispatchedIds, done, graph } from './test-support';

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
