import { describe, expect, it } from 'vitest';
import { simulateBuild } from './simulate';
import { build, component, graph } from './test-support';

describe('simulateBuild', () => {
  it('answers each dispatch after its duration and reports the makespan', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'x'],
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
      ),
    );
    const durations: Record<string, number> = { a: 10, b: 5, c: 1, x: 30 };
    const r = simulateBuild(s, { duration: (id) => durations[id] ?? 0, now: 100 });
    expect(r.state.status).toBe('completed');
    expect(r.makespan).toBe(30);
    expect(r.dispatchOrder).toEqual(['a', 'x', 'b', 'c']);
    expect(r.events).toBe(r.state.seq);
    expect(s.components.find((c) => c.id === 'c')?.history[0]).toMatchObject({
      dispatchedAt: 115,
      finishedAt: 116,
    });
  });

  it('injects failures per attempt, fires backoff timers and timeouts', () => {
    const s = build(
      graph([
        component('a', { policy: { attempts: 3, backoffMs: 100 } }),
        component('slow', { policy: { timeoutMs: 50 } }),
      ]),
      { policy: 'continue' },
    );
    const r = simulateBuild(s, {
      duration: (id) => (id === 'slow' ? 80 : 1),
      fail: (id, attempt) => (id === 'a' && attempt < 3 ? `fail ${attempt}` : undefined),
    });
    expect(r.dispatchOrder.filter((id) => id === 'a')).toHaveLength(3);
    const slow = r.state.components.find((c) => c.id === 'slow');
    expect(slow?.state).toBe('errored');
    expect(slow?.error).toBe('timeout');
    expect(r.state.components.find((c) => c.id === 'a')?.state).toBe('completed');
    expect(r.state.status).toBe('errored');
  });

  it('stops after maxSteps', () => {
    const r = simulateBuild(build(graph(['a', 'b'], [['a', 'b']])), { maxSteps: 2 });
    expect(r.steps).toBe(2);
    expect(r.state.status).toBe('running');
  });
});
