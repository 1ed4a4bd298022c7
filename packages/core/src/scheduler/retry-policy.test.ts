import { describe, expect, it } from 'vitest';
import { backoffDelay, nextRandom } from './backoff';
import { apply, build, component, dispatches, events, failed, graph, run } from './test-support';
import type { TimerCommand } from './types';

function retryTimer(commands: { kind: string }[]): TimerCommand | undefined {
  return commands.find(
    (c): c is TimerCommand => c.kind === 'timer' && (c as TimerCommand).event.kind === 'retry_due',
  );
}

describe('rule 5: errors, timeouts and automatic retries', () => {
  it('with the default single attempt, an error answer errors the component with its text', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    const r = apply(s, failed('a', 1, 'quota exceeded'), 4);
    const c = run(s, 'a');
    expect(c.state).toBe('errored');
    expect(c.error).toBe('quota exceeded');
    expect(c.history).toEqual([
      { attempt: 1, dispatchedAt: 0, finishedAt: 4, status: 'errored', error: 'quota exceeded' },
    ]);
    expect(events(r.commands)).toContainEqual(
      expect.objectContaining({
        type: 'component_state',
        componentId: 'a',
        state: 'errored',
        message: 'quota exceeded',
      }),
    );
  });

  it('waits a backoff, then redispatches with the next attempt and key', () => {
    const s = build(
      graph([component('a', { policy: { attempts: 3, backoffMs: 1000, maxBackoffMs: 60000 } })]),
    );
    apply(s, { kind: 'start' });
    const r1 = apply(s, failed('a', 1), 100);
    const c = run(s, 'a');
    expect(c.state).toBe('waiting');
    const t1 = retryTimer(r1.commands);
    expect(t1?.event).toEqual({ kind: 'retry_due', componentId: 'a', attempt: 1 });
    // first retry: base 1000 → delay in [500, 1000]
    expect(t1?.at).toBeGreaterThanOrEqual(600);
    expect(t1?.at).toBeLessThanOrEqual(1100);
    expect(c.retryAt).toBe(t1?.at);
    const r2 = apply(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, t1?.at ?? 0);
    expect(dispatches(r2.commands).map((d) => d.key)).toEqual(['b1/a/2']);
    expect(c.retryAt).toBeNull();
    const r3 = apply(s, failed('a', 2), 2000);
    const t3 = retryTimer(r3.commands);
    // second retry: base 2000 → delay in [1000, 2000]
    expect((t3?.at ?? 0) - 2000).toBeGreaterThanOrEqual(1000);
    expect((t3?.at ?? 0) - 2000).toBeLessThanOrEqual(2000);
    apply(s, { kind: 'retry_due', componentId: 'a', attempt: 2 }, t3?.at ?? 0);
    apply(s, failed('a', 3, 'still broken'), 9000);
    expect(c.state).toBe('errored');
    expect(c.error).toBe('still broken');
    expect(c.history.map((h) => h.status)).toEqual(['errored', 'errored', 'errored']);
    expect(s.status).toBe('errored');
  });

  it('a deadline counts as an error with the text `timeout`', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'timeout', componentId: 'a', attempt: 1 }, 300000);
    const c = run(s, 'a');
    expect(c.state).toBe('errored');
    expect(c.error).toBe('timeout');
    expect(c.history[0]?.status).toBe('timeout');
  });

  it('a timeout with tries left is retried', () => {
    const s = build(graph([component('a', { policy: { attempts: 2 } })]));
    apply(s, { kind: 'start' });
    const r = apply(s, { kind: 'timeout', componentId: 'a', attempt: 1 }, 300000);
    expect(retryTimer(r.commands)).toBeDefined();
    expect(run(s, 'a').state).toBe('waiting');
  });

  it('build `defaults` override the built-in policy, and a component policy overrides both', () => {
    const s = build(graph(['a', component('b', { policy: { attempts: 1, timeoutMs: 5 } })]), {
      defaults: { attempts: 2, timeoutMs: 1000 },
    });
    const r = apply(s, { kind: 'start' });
    expect(dispatches(r.commands).map((d) => d.deadline)).toEqual([1000, 5]);
    apply(s, failed('a'), 1);
    apply(s, failed('b'), 1);
    expect(run(s, 'a').state).toBe('waiting');
    expect(run(s, 'b').state).toBe('errored');
  });

  it('caps the backoff at maxBackoffMs', () => {
    const s = build(
      graph([component('a', { policy: { attempts: 6, backoffMs: 1000, maxBackoffMs: 1500 } })]),
    );
    apply(s, { kind: 'start' });
    let now = 0;
    for (let attempt = 1; attempt <= 5; attempt++) {
      const t = retryTimer(apply(s, failed('a', attempt), now).commands);
      expect(t).toBeDefined();
      expect((t?.at ?? 0) - now).toBeLessThanOrEqual(1500);
      now = t?.at ?? 0;
      apply(s, { kind: 'retry_due', componentId: 'a', attempt }, now);
    }
  });

  it('draws jitter from the seeded PRNG: same seed, same delays; another seed, others', () => {
    const delays = (seed: number) => {
      const s = build(
        graph([component('a', { policy: { attempts: 4, backoffMs: 10000, maxBackoffMs: 1e9 } })]),
        {
          seed,
        },
      );
      apply(s, { kind: 'start' });
      const out: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const t = retryTimer(apply(s, failed('a', attempt), 0).commands);
        out.push(t?.at ?? -1);
        apply(s, { kind: 'retry_due', componentId: 'a', attempt }, 0);
      }
      return out;
    };
    expect(delays(7)).toEqual(delays(7));
    expect(delays(7)).not.toEqual(delays(8));
  });
});

describe('backoff maths', () => {
  it('follows base = min(max, backoff × 2^(retry−1)), delay = base/2 + r·base/2', () => {
    const p = { backoffMs: 1000, maxBackoffMs: 60000 };
    expect(backoffDelay(p, 1, 0)).toBe(500);
    expect(backoffDelay(p, 1, 0.999999)).toBe(1000);
    expect(backoffDelay(p, 3, 0.5)).toBe(3000);
    expect(backoffDelay(p, 10, 0)).toBe(30000);
    expect(backoffDelay(p, 10, 0.9999999)).toBe(60000);
    expect(backoffDelay(p, 2000, 0.5)).toBe(45000);
  });

  it('mulberry32 is deterministic and stays in [0, 1)', () => {
    let rng = 42;
    const values: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const next = nextRandom(rng);
      rng = next.rng;
      values.push(next.value);
    }
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(990);
    expect(nextRandom(42).value).toBe(values[0]);
  });
});
