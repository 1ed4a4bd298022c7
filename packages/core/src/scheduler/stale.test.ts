import { describe, expect, it } from 'vitest';
import { apply, build, component, done, events, failed, graph, run } from './test-support';
import type { BuildState, SchedulerEvent } from './types';

/** The event is ignored: one log event naming `key`, nothing else changes but `seq`. */
function expectIgnored(s: BuildState, event: SchedulerEvent, key: string, why: RegExp): void {
  const before = JSON.parse(JSON.stringify(s)) as BuildState;
  const r = apply(s, event, 50);
  expect(r.rejected).toBeUndefined();
  expect(r.commands).toHaveLength(1);
  const [log] = events(r.commands);
  expect(log?.type).toBe('log');
  expect(log?.message).toContain(key);
  expect(log?.message).toMatch(why);
  expect({ ...s, seq: before.seq }).toEqual(before);
}

describe('rule 8: stale answers and timers', () => {
  it('ignores a result for an attempt that is not in flight', () => {
    const s = build(graph([component('a', { policy: { attempts: 2 } })]));
    apply(s, { kind: 'start' });
    apply(s, failed('a', 1), 1);
    apply(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, 5000);
    expectIgnored(s, done('a', 1), 'b1/a/1', /attempt 1 is not in flight/);
    expectIgnored(s, done('a', 7), 'b1/a/7', /not in flight/);
    expect(run(s, 'a').state).toBe('running');
  });

  it('ignores a duplicate result of an attempt already completed', () => {
    const s = build(graph(['a', 'b']));
    apply(s, { kind: 'start' });
    apply(s, done('a', 1, { x: 1 }), 1);
    expectIgnored(s, done('a', 1, { x: 2 }), 'b1/a/1', /duplicate/);
    expect(run(s, 'a').outputs).toEqual({ x: 1 });
  });

  it('ignores results and timers for a finished build', () => {
    const s = build(graph(['a', 'b']));
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    apply(s, done('b'), 2);
    expect(s.status).toBe('errored');
    expectIgnored(s, failed('a', 1), 'b1/a/1', /build b1 is errored/);
    expectIgnored(s, { kind: 'timeout', componentId: 'b', attempt: 1 }, 'b1/b/1', /build b1 is errored/);
    expectIgnored(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, 'b1/a/1', /build b1 is errored/);
  });

  it('ignores a deadline of an attempt that already answered', () => {
    const s = build(graph(['a', 'b']));
    apply(s, { kind: 'start' });
    apply(s, done('a'), 1);
    expectIgnored(s, { kind: 'timeout', componentId: 'a', attempt: 1 }, 'b1/a/1', /already completed/);
  });

  it('ignores a retry_due that does not match a pending backoff', () => {
    const s = build(graph([component('a', { policy: { attempts: 2 } }), 'b']));
    apply(s, { kind: 'start' });
    expectIgnored(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, 'b1/a/1', /no backoff pending/);
    apply(s, failed('a', 1), 1);
    expectIgnored(s, { kind: 'retry_due', componentId: 'a', attempt: 0 }, 'b1/a/0', /no backoff pending/);
  });

  it('ignores a cancel_grace when no cancel is pending', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    expectIgnored(s, { kind: 'cancel_grace', componentId: 'a', attempt: 1 }, 'b1/a/1', /no cancel pending/);
  });

  it('ignores a result for an unknown component', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    expectIgnored(s, done('zz'), 'b1/zz/1', /unknown component/);
  });

  it('ignores a result before the build started', () => {
    const s = build(graph(['a']));
    expectIgnored(s, done('a'), 'b1/a/1', /build b1 is pending/);
  });
});
