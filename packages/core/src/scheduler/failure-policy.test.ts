import { describe, expect, it } from 'vitest';
import {
  apply,
  build,
  component,
  dispatchedIds,
  done,
  events,
  failed,
  graph,
  run,
  stateOf,
} from './test-support';

describe('rule 6: failure policy', () => {
  it('fail-fast (default): after an error nothing new is dispatched; the build errors when nothing is in flight', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['b', 'c'],
          ['a', 'd'],
        ],
      ),
    );
    expect(s.failurePolicy).toBe('fail-fast');
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    expect(s.status).toBe('running'); // b still in flight
    const r = apply(s, done('b'), 2);
    expect(dispatchedIds(r.commands)).toEqual([]);
    expect(stateOf(s, 'c')).toBe('waiting');
    expect(stateOf(s, 'd')).toBe('waiting');
    expect(s.status).toBe('errored');
    expect(events(r.commands).at(-1)).toMatchObject({ type: 'build_state', state: 'errored' });
  });

  it('fail-fast: a component already backing off still gets its retries', () => {
    const s = build(graph([component('a', { policy: { attempts: 2 } }), 'b', 'c'], [['b', 'c']]));
    apply(s, { kind: 'start' });
    apply(s, failed('a', 1), 1); // a backs off
    apply(s, failed('b', 1), 2); // b errors: halted
    expect(s.status).toBe('running');
    const at = run(s, 'a').retryAt ?? 0;
    expect(dispatchedIds(apply(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, at).commands)).toEqual(
      ['a'],
    );
    apply(s, done('a', 2), at + 1);
    expect(stateOf(s, 'a')).toBe('completed');
    expect(stateOf(s, 'c')).toBe('waiting');
    expect(s.status).toBe('errored');
  });

  it('continue: transitive dependants become blocked, independent branches go on, the build errors', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'x', 'y'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['x', 'y'],
        ],
      ),
      { policy: 'continue' },
    );
    apply(s, { kind: 'start' });
    const r = apply(s, failed('a'), 1);
    expect(stateOf(s, 'b')).toBe('blocked');
    expect(stateOf(s, 'c')).toBe('blocked');
    expect(
      events(r.commands)
        .filter((e) => e.state === 'blocked')
        .map((e) => e.componentId),
    ).toEqual(['b', 'c']);
    expect(dispatchedIds(apply(s, done('x'), 2).commands)).toEqual(['y']);
    expect(s.status).toBe('running');
    apply(s, done('y'), 3);
    expect(s.status).toBe('errored');
  });

  it('continue: a component with one failed and one good source is blocked', () => {
    const s = build(
      graph(
        ['a', 'b', 'd'],
        [
          ['a', 'd'],
          ['b', 'd'],
        ],
      ),
      { policy: 'continue' },
    );
    apply(s, { kind: 'start' });
    apply(s, done('b'), 1);
    apply(s, failed('a'), 2);
    expect(stateOf(s, 'd')).toBe('blocked');
    expect(s.status).toBe('errored');
  });

  it('continue: completes when everything completed', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]), { policy: 'continue' });
    apply(s, { kind: 'start' });
    apply(s, done('a'), 1);
    apply(s, done('b'), 2);
    expect(s.status).toBe('completed');
  });
});
