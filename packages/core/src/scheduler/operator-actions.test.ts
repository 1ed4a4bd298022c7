import { describe, expect, it } from 'vitest';
import { CANCEL_GRACE_MS } from './step';
import {
  apply,
  build,
  component,
  dispatchedIds,
  dispatches,
  done,
  events,
  failed,
  graph,
  run,
  stateOf,
} from './test-support';
import type { BuildState, SchedulerEvent } from './types';

/** Applies an event that must be rejected, and checks nothing changed. */
function expectRejected(
  s: BuildState,
  event: SchedulerEvent,
  reason: string | RegExp,
  code = 'not_allowed',
): void {
  const before = JSON.stringify(s);
  const r = apply(s, event, 99);
  expect(r.rejected?.code).toBe(code);
  if (typeof reason === 'string') expect(r.rejected?.reason).toBe(reason);
  else expect(r.rejected?.reason).toMatch(reason);
  expect(r.commands).toEqual([]);
  expect(JSON.stringify(s)).toBe(before);
}

const actor = 'ops@example.com';

describe('rule 7: operator actions are checked against the state', () => {
  it('rejects actions the state does not allow, with a reason, changing nothing', () => {
    const s = build(graph(['vpc::a', 'b', component('g', { policy: { gate: true } })], [['vpc::a', 'b']]));
    expectRejected(s, { kind: 'retry', actor }, 'build b1 has not started');
    apply(s, { kind: 'start' });
    apply(s, done('vpc::a'), 1);
    expectRejected(
      s,
      { kind: 'retry', actor, componentId: 'vpc::a' },
      'component vpc::a is completed; only errored or cancelled components can be retried',
    );
    expectRejected(
      s,
      { kind: 'skip', actor, componentId: 'b' },
      /component b is running; only errored, cancelled or blocked/,
    );
    expectRejected(s, { kind: 'approve', actor, componentId: 'b' }, 'component b has no approval gate');
    expectRejected(
      s,
      { kind: 'cancel', actor, componentId: 'vpc::a' },
      /only waiting or running components can be cancelled/,
    );
    expectRejected(
      s,
      { kind: 'retry', actor },
      /build b1 is running; only an errored or cancelled build can be retried/,
    );
    expectRejected(
      s,
      { kind: 'skip', actor, componentId: 'nope' },
      'build b1 has no component nope',
      'not_found',
    );
    apply(s, done('b'), 2);
    apply(s, { kind: 'approve', actor, componentId: 'g' }, 3);
    apply(s, done('g'), 4);
    expect(s.status).toBe('completed');
    expectRejected(s, { kind: 'cancel', actor }, 'build b1 is already completed');
    expectRejected(s, { kind: 'retry', actor }, /build b1 is already completed/);
  });

  it('emits an action event with the actor before the effects', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    const r = apply(s, { kind: 'retry', actor, componentId: 'a' }, 2);
    const e = events(r.commands);
    expect(e[0]).toMatchObject({ type: 'action', actor, action: 'retry', componentId: 'a', at: 2 });
    expect(e.slice(1).map((x) => `${x.type}:${x.state}`)).toEqual([
      'build_state:running',
      'component_state:waiting',
      'component_state:running',
    ]);
  });
});

describe('retry one component', () => {
  it('puts it back to waiting with a fresh try budget, reopens the build and dispatches the next attempt', () => {
    const s = build(graph([component('a', { policy: { attempts: 2 } })]));
    apply(s, { kind: 'start' });
    apply(s, failed('a', 1), 1);
    apply(s, { kind: 'retry_due', componentId: 'a', attempt: 1 }, 2000);
    apply(s, failed('a', 2), 2001);
    expect(s.status).toBe('errored');
    const r = apply(s, { kind: 'retry', actor, componentId: 'a' }, 3000);
    expect(s.status).toBe('running');
    expect(s.finishedAt).toBeNull();
    expect(dispatches(r.commands).map((d) => d.key)).toEqual(['b1/a/3']);
    expect(run(s, 'a').triesLeft).toBe(1); // fresh budget of 2, one used
    expect(run(s, 'a').error).toBeNull();
    apply(s, done('a', 3), 3001);
    expect(s.status).toBe('completed');
  });

  it('returns dependants blocked only because of it to waiting; one blocked by another failure stays blocked', () => {
    // a → c, b → d, a → d
    const s = build(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'c'],
          ['a', 'd'],
          ['b', 'd'],
        ],
      ),
      { policy: 'continue' },
    );
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    apply(s, failed('b'), 2);
    expect(s.status).toBe('errored');
    apply(s, { kind: 'retry', actor, componentId: 'a' }, 3);
    expect(stateOf(s, 'c')).toBe('waiting');
    expect(stateOf(s, 'd')).toBe('blocked');
    expect(dispatchedIds(apply(s, done('a', 2), 4).commands)).toEqual(['c']);
    apply(s, done('c'), 5);
    expect(s.status).toBe('errored'); // b still errored, d blocked
    apply(s, { kind: 'retry', actor, componentId: 'b' }, 6);
    expect(stateOf(s, 'd')).toBe('waiting');
    expect(dispatchedIds(apply(s, done('b', 2), 7).commands)).toEqual(['d']);
    apply(s, done('d'), 8);
    expect(s.status).toBe('completed');
  });

  it('refuses a blocked component, naming what blocks it', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]), { policy: 'continue' });
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    expectRejected(
      s,
      { kind: 'retry', actor, componentId: 'b' },
      'component b is blocked by a; retry or skip a (or retry the build)',
    );
  });

  it('under fail-fast, resumes dispatching after the retry', () => {
    const s = build(graph(['a', 'b', 'c'], [['a', 'c']]));
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    apply(s, done('b'), 2);
    expect(s.status).toBe('errored');
    apply(s, { kind: 'retry', actor, componentId: 'a' }, 3);
    expect(dispatchedIds(apply(s, done('a', 2), 4).commands)).toEqual(['c']);
  });
});

describe('retry the build from failure', () => {
  it('re-runs errored, cancelled, blocked and never-run components; keeps completed ones', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'd', 'x'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'd'],
        ],
      ),
      { policy: 'continue' },
    );
    apply(s, { kind: 'start' });
    apply(s, done('x'), 1);
    apply(s, done('a'), 1);
    apply(s, failed('b'), 2);
    apply(s, { kind: 'cancel', actor, componentId: 'd' }, 2);
    apply(s, failed('d', 1, 'cancelled by request'), 3);
    expect(s.status).toBe('errored');
    expect(s.components.map((c) => c.state)).toEqual([
      'completed',
      'errored',
      'blocked',
      'cancelled',
      'completed',
    ]);
    const r = apply(s, { kind: 'retry', actor }, 10);
    expect(s.status).toBe('running');
    expect(dispatchedIds(r.commands)).toEqual(['b', 'd']);
    expect(events(r.commands)[0]).toMatchObject({ type: 'action', action: 'retry', actor });
    apply(s, done('b', 2), 11);
    apply(s, done('d', 2), 11);
    apply(s, done('c'), 12);
    expect(s.status).toBe('completed');
    expect(run(s, 'a').attempt).toBe(1);
    expect(run(s, 'x').attempt).toBe(1);
  });

  it('runs never-run components left waiting by fail-fast', () => {
    const s = build(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'c'],
          ['b', 'c'],
        ],
      ),
    );
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    apply(s, done('b'), 1);
    expect(s.status).toBe('errored');
    apply(s, { kind: 'retry', actor }, 2);
    expect(dispatchedIds(apply(s, done('a', 2), 3).commands)).toEqual(['c']);
    apply(s, done('c'), 4);
    expect(s.status).toBe('completed');
    expect(run(s, 'b').history).toHaveLength(1);
  });

  it('retries a cancelled build', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]));
    apply(s, { kind: 'cancel', actor }, 0);
    expect(s.status).toBe('cancelled');
    const r = apply(s, { kind: 'retry', actor }, 1);
    expect(dispatchedIds(r.commands)).toEqual(['a']);
  });
});

describe('cancel', () => {
  it('cancels a waiting component at once (continue: its dependants are blocked)', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'x'],
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
      ),
      { policy: 'continue' },
    );
    apply(s, { kind: 'start' });
    const r = apply(s, { kind: 'cancel', actor, componentId: 'b' }, 1);
    expect(stateOf(s, 'b')).toBe('cancelled');
    expect(stateOf(s, 'c')).toBe('blocked');
    expect(r.commands.filter((c) => c.kind === 'cancel')).toEqual([]);
    apply(s, done('a'), 2);
    apply(s, done('x'), 3);
    expect(s.status).toBe('cancelled');
  });

  it('cancels a running component through its executor; an error answer makes it cancelled', () => {
    const s = build(graph(['a', 'b']));
    apply(s, { kind: 'start' });
    const r = apply(s, { kind: 'cancel', actor, componentId: 'a' }, 5);
    expect(r.commands).toContainEqual({
      kind: 'cancel',
      componentId: 'a',
      attempt: 1,
      key: 'b1/a/1',
      type: 'thing',
      action: 'create',
      provider: 'sim',
    });
    expect(r.commands).toContainEqual({
      kind: 'timer',
      at: 5 + CANCEL_GRACE_MS,
      event: { kind: 'cancel_grace', componentId: 'a', attempt: 1 },
    });
    expect(run(s, 'a').cancelRequested).toBe(true);
    expect(stateOf(s, 'a')).toBe('running');
    expectRejected(
      s,
      { kind: 'cancel', actor, componentId: 'a' },
      'a cancel of component a is already pending',
    );
    apply(s, failed('a', 1, 'killed'), 6);
    expect(stateOf(s, 'a')).toBe('cancelled');
    expect(run(s, 'a').history[0]?.status).toBe('cancelled');
  });

  it('a done answer after a cancel means it finished first: completed', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'cancel', actor, componentId: 'a' }, 1);
    apply(s, done('a', 1, { id: 'x' }), 2);
    expect(stateOf(s, 'a')).toBe('completed');
    expect(s.environmentState.a).toBeDefined();
    expect(s.status).toBe('completed');
  });

  it('without an answer, the component is cancelled when the grace period ends', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'cancel', actor, componentId: 'a' }, 1);
    apply(s, { kind: 'cancel_grace', componentId: 'a', attempt: 1 }, 1 + CANCEL_GRACE_MS);
    expect(stateOf(s, 'a')).toBe('cancelled');
    expect(s.status).toBe('cancelled');
    // the late answer is stale
    const r = apply(s, done('a'), 2 + CANCEL_GRACE_MS);
    expect(events(r.commands)[0]?.type).toBe('log');
  });

  it('a cancel ignores the remaining automatic tries', () => {
    const s = build(graph([component('a', { policy: { attempts: 5 } })]));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'cancel', actor, componentId: 'a' }, 1);
    apply(s, { kind: 'timeout', componentId: 'a', attempt: 1 }, 2);
    expect(stateOf(s, 'a')).toBe('cancelled');
  });

  it('cancelling a component waiting on a backoff or a gate clears that wait', () => {
    const s = build(
      graph([component('a', { policy: { attempts: 3 } }), component('g', { policy: { gate: true } })]),
      {
        policy: 'continue',
      },
    );
    apply(s, { kind: 'start' });
    apply(s, failed('a', 1), 1);
    apply(s, { kind: 'cancel', actor, componentId: 'a' }, 2);
    apply(s, { kind: 'cancel', actor, componentId: 'g' }, 3);
    expect(s.backoffCount).toBe(0);
    expect(s.awaitingCount).toBe(0);
    expect(s.status).toBe('cancelled');
  });

  it('fail-fast: cancelling one component stops new dispatches; with no error the build ends cancelled', () => {
    const s = build(graph(['a', 'b', 'c'], [['b', 'c']]));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'cancel', actor, componentId: 'a' }, 1);
    apply(s, failed('a', 1, 'cancelled by request'), 2);
    expect(dispatchedIds(apply(s, done('b'), 3).commands)).toEqual([]);
    expect(stateOf(s, 'c')).toBe('waiting');
    expect(s.status).toBe('cancelled');
  });

  it('continue: a retried component whose source is still failed goes straight to blocked', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]), { policy: 'continue' });
    apply(s, { kind: 'start' });
    apply(s, { kind: 'cancel', actor, componentId: 'b' }, 1);
    apply(s, failed('a'), 2);
    expect(s.status).toBe('errored');
    const r = apply(s, { kind: 'retry', actor, componentId: 'b' }, 3);
    expect(stateOf(s, 'b')).toBe('blocked');
    expect(dispatchedIds(r.commands)).toEqual([]);
    expect(s.status).toBe('errored');
  });

  it('cancels the build: stops dispatching, cancels in-flight and waiting components, ends cancelled', () => {
    const s = build(graph(['a', 'b', 'c'], [['a', 'c']]));
    apply(s, { kind: 'start' });
    const r = apply(s, { kind: 'cancel', actor }, 1);
    expect(events(r.commands).map((e) => `${e.type}:${e.componentId ?? ''}:${e.state ?? e.action}`)).toEqual([
      'action::cancel',
      'build_state::cancelling',
      'component_state:c:cancelled',
    ]);
    expect(r.commands.filter((c) => c.kind === 'cancel').map((c) => c.componentId)).toEqual(['a', 'b']);
    expect(s.status).toBe('cancelling');
    expectRejected(s, { kind: 'cancel', actor }, 'build b1 is already cancelling');
    expect(dispatchedIds(apply(s, done('a'), 2).commands)).toEqual([]);
    expect(stateOf(s, 'a')).toBe('completed');
    apply(s, failed('b', 1, 'cancelled by request'), 3);
    expect(stateOf(s, 'b')).toBe('cancelled');
    expect(s.status).toBe('cancelled');
    expect(s.finishedAt).toBe(3);
  });

  it('cancels a pending build at once', () => {
    const s = build(graph(['a']));
    const r = apply(s, { kind: 'cancel', actor }, 0);
    expect(events(r.commands).map((e) => e.state ?? e.action)).toEqual([
      'cancel',
      'cancelling',
      'cancelled',
      'cancelled',
    ]);
    expect(s.status).toBe('cancelled');
    expect(apply(s, { kind: 'start' }).rejected?.reason).toBe('build b1 is already cancelled');
  });
});

describe('skip', () => {
  it('marks an errored component skipped so its dependants run; it is not added to the environment', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]));
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    expect(s.status).toBe('errored');
    const r = apply(s, { kind: 'skip', actor, componentId: 'a' }, 2);
    expect(stateOf(s, 'a')).toBe('skipped');
    expect(dispatchedIds(r.commands)).toEqual(['b']);
    expect(r.commands.filter((c) => c.kind === 'environment')).toEqual([]);
    expect(Object.hasOwn(s.environmentState, 'a')).toBe(false);
    apply(s, done('b'), 3);
    expect(s.status).toBe('completed');
  });

  it('skips a blocked component: dependants blocked only by it run; others stay blocked', () => {
    // a → b → c, a → d → e
    const s = build(
      graph(
        ['a', 'b', 'c', 'd', 'e'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'd'],
          ['d', 'e'],
        ],
      ),
      {
        policy: 'continue',
      },
    );
    apply(s, { kind: 'start' });
    apply(s, failed('a'), 1);
    expect(s.status).toBe('errored');
    const r = apply(s, { kind: 'skip', actor, componentId: 'b' }, 2);
    expect(dispatchedIds(r.commands)).toEqual(['c']);
    expect(stateOf(s, 'd')).toBe('blocked');
    expect(stateOf(s, 'e')).toBe('blocked');
    apply(s, done('c'), 3);
    expect(s.status).toBe('errored'); // a is still errored
    apply(s, { kind: 'skip', actor, componentId: 'a' }, 4);
    expect(stateOf(s, 'd')).toBe('running');
    expect(stateOf(s, 'e')).toBe('waiting');
  });
});

describe('approve', () => {
  it('a gated component waits when ready, announces it, and runs once approved', () => {
    const s = build(
      graph(
        ['a', component('g', { policy: { gate: true } }), 'h'],
        [
          ['a', 'g'],
          ['g', 'h'],
        ],
      ),
    );
    apply(s, { kind: 'start' });
    expectRejected(
      s,
      { kind: 'approve', actor, componentId: 'g' },
      'component g is not waiting for approval (it is waiting)',
    );
    const r = apply(s, done('a'), 1);
    expect(dispatchedIds(r.commands)).toEqual([]);
    expect(events(r.commands)).toContainEqual(
      expect.objectContaining({ type: 'log', componentId: 'g', message: 'component g awaits approval' }),
    );
    expect(run(s, 'g').awaitingApproval).toBe(true);
    expect(s.status).toBe('running');
    const ok = apply(s, { kind: 'approve', actor, componentId: 'g' }, 2);
    expect(events(ok.commands)[0]).toMatchObject({
      type: 'action',
      action: 'approve',
      componentId: 'g',
      actor,
    });
    expect(dispatchedIds(ok.commands)).toEqual(['g']);
    expectRejected(s, { kind: 'approve', actor, componentId: 'g' }, /already approved/);
  });

  it('a gate from build defaults applies to every component', () => {
    const s = build(graph(['a']), { defaults: { gate: true } });
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual([]);
    expect(dispatchedIds(apply(s, { kind: 'approve', actor, componentId: 'a' }, 1).commands)).toEqual(['a']);
  });

  it('an approved gate stays approved when the component is retried', () => {
    const s = build(graph([component('g', { policy: { gate: true } })]));
    apply(s, { kind: 'start' });
    apply(s, { kind: 'approve', actor, componentId: 'g' }, 1);
    apply(s, failed('g'), 2);
    expect(dispatchedIds(apply(s, { kind: 'retry', actor, componentId: 'g' }, 3).commands)).toEqual(['g']);
  });
});
