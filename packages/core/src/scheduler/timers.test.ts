// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import { apply, build, component, dispatches, failed, graph, run } from './test-support';
import { inFlightDispatches, pendingTimers } from './timers';

describe('pendingTimers and inFlightDispatches (restart)', () => {
  it('recomputes deadlines, backoffs and cancel graces from the state alone', () => {
    const s = build(
      graph([
        component('a', { policy: { timeoutMs: 100 } }),
        component('b', { policy: { attempts: 2 } }),
        component('c', { policy: { timeoutMs: 500 } }),
      ]),
    );
    expect(pendingTimers(s)).toEqual([]);
    apply(s, { kind: 'start' }, 10);
    apply(s, failed('b'), 20);
    apply(s, { kind: 'cancel', actor: 'op', componentId: 'c' }, 30);
    const retryAt = run(s, 'b').retryAt;
    expect(pendingTimers(s)).toEqual([
      { kind: 'timer', at: 110, event: { kind: 'timeout', componentId: 'a', attempt: 1 } },
      { kind: 'timer', at: retryAt, event: { kind: 'retry_due', componentId: 'b', attempt: 1 } },
      { kind: 'timer', at: 510, event: { kind: 'timeout', componentId: 'c', attempt: 1 } },
      { kind: 'timer', at: 10030, event: { kind: 'cancel_grace', componentId: 'c', attempt: 1 } },
    ]);
  });

  it('re-sends exactly the dispatches in flight, same key and payload', () => {
    const s = build(graph(['a', component('b', { props: { x: '${a.id}' } })], [['a', 'b']]));
    const first = dispatches(apply(s, { kind: 'start' }).commands);
    expect(inFlightDispatches(s)).toEqual(first);
    const second = dispatches(
      apply(s, { kind: 'result', componentId: 'a', attempt: 1, status: 'done', payload: { id: 7 } }, 1)
        .commands,
    );
    expect(second[0]?.payload.x).toBe(7);
    expect(inFlightDispatches(JSON.parse(JSON.stringify(s)))).toEqual(second);
  });
});
