// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import { describe, expect, it } from 'vitest';
import {
  type LifecycleCommand,
  type LifecycleDefinition,
  type LifecycleState,
  type LifecycleStep,
  parseLifecycle,
  startLifecycle,
  stepLifecycle,
} from './index';

// formats/lifecycle.example.json
const example = {
  type: 'instance',
  initial: 'launched',
  transitions: [
    {
      source: 'launched',
      dest: 'join_cluster',
      triggers: [{ name: 'start_join', conditions: ['has_private_ip'] }],
    },
    {
      source: 'join_cluster',
      dest: 'joined_cluster',
      triggers: [{ name: 'join', before: ['drain_old_node'], after: ['announce'] }],
      stop_after_state_change: false,
    },
    {
      source: 'joined_cluster',
      dest: 'updating_dns',
      triggers: [{ name: 'update_dns', unless: ['is_private'] }],
    },
    { source: 'updating_dns', dest: 'dns_updated', triggers: [{ name: 'wait_dns' }] },
    { source: 'dns_updated', dest: 'ready', triggers: [{ name: 'complete_lifecycle' }] },
    { source: 'failure', dest: 'abandoned', triggers: [{ name: 'abandon_lifecycle', ignore_errors: true }] },
  ],
  tasks: {
    has_private_ip: { engine: 'nil' },
    is_private: { engine: 'nil' },
    start_join: { engine: 'sleep', args: ['0.1'] },
    drain_old_node: { engine: 'nil' },
    join: { engine: 'shell', artifact: 'echo', args: ['joining ${instance.private_ip}'] },
    announce: { engine: 'http', artifact: 'https://hooks.example.test/announce' },
    update_dns: { engine: 'sleep', args: ['0.1'] },
    wait_dns: { engine: 'nil' },
    complete_lifecycle: { engine: 'nil' },
    abandon_lifecycle: { engine: 'nil' },
  },
};

function parsed(input: unknown): LifecycleDefinition {
  const result = parseLifecycle(input);
  if (!result.ok) throw new Error(`invalid definition: ${JSON.stringify(result.issues)}`);
  return result.definition;
}

const exampleDef = parsed(example);

type Answer = { ok: boolean; output?: unknown; error?: string };

/** The run_task command a step is waiting on (the last command). */
function awaited(step: LifecycleStep): Extract<LifecycleCommand, { kind: 'run_task' }> {
  const last = step.commands.at(-1);
  if (last?.kind !== 'run_task') throw new Error(`expected a run_task, got ${JSON.stringify(last)}`);
  return last;
}

/**
 * Plays the runner: answers every run_task with `answer(task)` (default: success) until the
 * machine pauses or finishes. Returns every command, in order, and the last step.
 */
function play(
  def: LifecycleDefinition,
  first: LifecycleStep,
  answer: (task: string) => Answer = () => ({ ok: true }),
): { commands: LifecycleCommand[]; last: LifecycleStep } {
  const commands = [...first.commands];
  let step = first;
  let now = 1000;
  while (step.state.status === 'running') {
    // a regression that loops must fail the test, not hang it
    if (now > 1_000_000) throw new Error(`still running after 1000 task runs: ${trace(commands).slice(-6)}`);
    const run = awaited(step);
    now += 1000;
    step = stepLifecycle(
      def,
      step.state,
      { kind: 'task_result', runId: run.runId, ...answer(run.task) },
      now,
    );
    expect(step.rejected).toBeUndefined();
    commands.push(...step.commands);
  }
  return { commands, last: step };
}

/** A compact trace: `run:task`, `a->b`, `paused:reason`, `finished:state`. */
function trace(commands: readonly LifecycleCommand[]): string[] {
  return commands.map((c) => {
    if (c.kind === 'run_task') return `run:${c.task}`;
    if (c.kind === 'state_changed') return `${c.from}->${c.to}`;
    if (c.kind === 'paused') return `paused:${c.reason}`;
    return `finished:${c.state}`;
  });
}

describe('the example lifecycle', () => {
  it('runs to ready when every task succeeds, each task in order', () => {
    const { commands, last } = play(exampleDef, startLifecycle(exampleDef, 0), (task) =>
      task === 'is_private'
        ? { ok: true, output: { result: false } }
        : { ok: true, output: { result: true } },
    );
    expect(trace(commands)).toEqual([
      'run:has_private_ip',
      'run:start_join',
      'launched->join_cluster',
      'run:drain_old_node',
      'run:join',
      'join_cluster->joined_cluster',
      'run:announce',
      'run:is_private',
      'run:update_dns',
      'joined_cluster->updating_dns',
      'run:wait_dns',
      'updating_dns->dns_updated',
      'run:complete_lifecycle',
      'dns_updated->ready',
      'finished:ready',
    ]);
    expect(last.state.current).toBe('ready');
    expect(last.state.status).toBe('finished');
    expect(last.state.progress).toBeUndefined();
    expect(last.state.history.map((h) => [h.from, h.to, h.trigger, h.ok])).toEqual([
      ['launched', 'join_cluster', 'start_join', true],
      ['join_cluster', 'joined_cluster', 'join', true],
      ['joined_cluster', 'updating_dns', 'update_dns', true],
      ['updating_dns', 'dns_updated', 'wait_dns', true],
      ['dns_updated', 'ready', 'complete_lifecycle', true],
    ]);
  });

  it('hands each task its definition, trigger, phase and a fresh run id', () => {
    const started = startLifecycle(exampleDef, 0);
    expect(started.commands).toEqual([
      {
        kind: 'run_task',
        runId: 'run-1',
        task: 'has_private_ip',
        definition: { engine: 'nil' },
        trigger: 'start_join',
        phase: 'conditions',
      },
    ]);
    const next = stepLifecycle(
      exampleDef,
      started.state,
      { kind: 'task_result', runId: 'run-1', ok: true },
      5,
    );
    expect(next.commands).toEqual([
      {
        kind: 'run_task',
        runId: 'run-2',
        task: 'start_join',
        definition: { engine: 'sleep', args: ['0.1'] },
        trigger: 'start_join',
        phase: 'task',
      },
    ]);
    expect(next.state.progress).toMatchObject({ phase: 'task', runId: 'run-2', task: 'start_join' });
  });

  it('stamps state changes with the clock it is given', () => {
    const started = startLifecycle(exampleDef, 0);
    const a = stepLifecycle(
      exampleDef,
      started.state,
      { kind: 'task_result', runId: 'run-1', ok: true },
      111,
    );
    const b = stepLifecycle(exampleDef, a.state, { kind: 'task_result', runId: 'run-2', ok: true }, 222);
    expect(b.commands[0]).toEqual({
      kind: 'state_changed',
      from: 'launched',
      to: 'join_cluster',
      trigger: 'start_join',
      at: 222,
    });
    expect(b.state.history[0]).toEqual({
      from: 'launched',
      to: 'join_cluster',
      trigger: 'start_join',
      at: 222,
      ok: true,
    });
  });

  it('runs before, the trigger task, the state change, then after, in that order', () => {
    // from join_cluster: only the join transition
    const def = parsed({ ...example, initial: 'join_cluster', transitions: example.transitions.slice(1) });
    const { commands } = play(def, startLifecycle(def, 0), (task) =>
      task === 'is_private' ? { ok: true, output: { result: true } } : { ok: true },
    );
    expect(trace(commands).slice(0, 4)).toEqual([
      'run:drain_old_node',
      'run:join',
      'join_cluster->joined_cluster',
      'run:announce',
    ]);
    const phases = commands.flatMap((c) => (c.kind === 'run_task' ? [c.phase] : []));
    expect(phases.slice(0, 3)).toEqual(['before', 'task', 'after']);
  });
});

describe('gates', () => {
  it('pauses when a condition answers result:false, and tries again on resume', () => {
    const started = startLifecycle(exampleDef, 0);
    const refused = stepLifecycle(
      exampleDef,
      started.state,
      { kind: 'task_result', runId: 'run-1', ok: true, output: { result: false } },
      10,
    );
    expect(refused.commands).toEqual([{ kind: 'paused', state: 'launched', reason: 'no_trigger_passed' }]);
    expect(refused.state).toMatchObject({
      current: 'launched',
      status: 'paused',
      pausedFor: 'no_trigger_passed',
    });
    expect(refused.state.history).toEqual([]);

    const resumed = stepLifecycle(exampleDef, refused.state, { kind: 'resume' }, 20);
    expect(trace(resumed.commands)).toEqual(['run:has_private_ip']);
    expect(awaited(resumed).runId).toBe('run-2');
    expect(resumed.state.status).toBe('running');
    expect(resumed.state.pausedFor).toBeUndefined();
    const passed = stepLifecycle(
      exampleDef,
      resumed.state,
      { kind: 'task_result', runId: 'run-2', ok: true },
      30,
    );
    expect(trace(passed.commands)).toEqual(['run:start_join']);
  });

  it('treats a condition without a result, or with any result but false, as passed', () => {
    const def = parsed({ ...example, transitions: example.transitions.slice(0, 1) });
    for (const output of [undefined, {}, { result: 0 }, { result: null }, 'text']) {
      const { commands } = play(def, startLifecycle(def, 0), (task) => ({
        ok: true,
        output: task === 'has_private_ip' ? output : undefined,
      }));
      expect(trace(commands)).toEqual([
        'run:has_private_ip',
        'run:start_join',
        'launched->join_cluster',
        'finished:join_cluster',
      ]);
    }
  });

  it('is blocked by an unless task that succeeds with a result other than false', () => {
    const def = parsed({ ...example, initial: 'joined_cluster', transitions: example.transitions.slice(2) });
    const { commands, last } = play(def, startLifecycle(def, 0), (task) =>
      task === 'is_private' ? { ok: true, output: { result: true } } : { ok: true },
    );
    expect(trace(commands)).toEqual(['run:is_private', 'paused:no_trigger_passed']);
    expect(last.state.current).toBe('joined_cluster');
  });

  it('runs conditions one by one and stops at the first that fails; unless stops at the first that blocks', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        {
          source: 'a',
          dest: 'b',
          triggers: [{ name: 'go', conditions: ['c1', 'c2', 'c3'], unless: ['u1', 'u2'] }],
        },
      ],
      tasks: {
        c1: { engine: 'nil' },
        c2: { engine: 'nil' },
        c3: { engine: 'nil' },
        u1: { engine: 'nil' },
        u2: { engine: 'nil' },
      },
    });
    const conditionFails = play(def, startLifecycle(def, 0), (task) => ({
      ok: true,
      output: { result: task !== 'c2' },
    }));
    expect(trace(conditionFails.commands)).toEqual(['run:c1', 'run:c2', 'paused:no_trigger_passed']);
    const unlessBlocks = play(def, startLifecycle(def, 0), (task) => ({
      ok: true,
      output: { result: task.startsWith('c') || task === 'u1' },
    }));
    expect(trace(unlessBlocks.commands)).toEqual([
      'run:c1',
      'run:c2',
      'run:c3',
      'run:u1',
      'paused:no_trigger_passed',
    ]);
    const allPass = play(def, startLifecycle(def, 0), (task) => ({
      ok: true,
      output: { result: task.startsWith('c') },
    }));
    expect(trace(allPass.commands)).toEqual([
      'run:c1',
      'run:c2',
      'run:c3',
      'run:u1',
      'run:u2',
      'a->b',
      'finished:b',
    ]);
  });

  it('tries the next trigger, then the next transition, when a gate does not pass', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        {
          source: 'a',
          dest: 'b',
          triggers: [
            { name: 't1', conditions: ['no'] },
            { name: 't2', unless: ['yes'] },
          ],
        },
        { source: 'a', dest: 'c', triggers: [{ name: 't3', conditions: ['ok'] }] },
      ],
      tasks: { no: { engine: 'nil' }, yes: { engine: 'nil' }, ok: { engine: 'nil' } },
    });
    const { commands, last } = play(def, startLifecycle(def, 0), (task) => ({
      ok: true,
      output: { result: task !== 'no' },
    }));
    expect(trace(commands)).toEqual(['run:no', 'run:yes', 'run:ok', 'a->c', 'finished:c']);
    expect(last.state.history[0]?.trigger).toBe('t3');
  });
});

describe('failures', () => {
  it('moves to failure when a task fails, then abandons through ignore_errors', () => {
    const { commands, last } = play(exampleDef, startLifecycle(exampleDef, 0), (task) => {
      if (task === 'start_join') return { ok: false, error: 'no capacity' };
      if (task === 'abandon_lifecycle') return { ok: false, error: 'cleanup failed' };
      return { ok: true };
    });
    expect(trace(commands)).toEqual([
      'run:has_private_ip',
      'run:start_join',
      'launched->failure',
      'run:abandon_lifecycle',
      'failure->abandoned',
      'finished:abandoned',
    ]);
    const toFailure = commands.find((c) => c.kind === 'state_changed' && c.to === 'failure');
    expect(toFailure).toMatchObject({
      from: 'launched',
      trigger: 'start_join',
      error: 'task start_join: no capacity',
    });
    expect(last.state.history).toEqual([
      {
        from: 'launched',
        to: 'failure',
        trigger: 'start_join',
        at: 3000,
        ok: false,
        error: 'task start_join: no capacity',
      },
      {
        from: 'failure',
        to: 'abandoned',
        trigger: 'abandon_lifecycle',
        at: 4000,
        ok: false,
        error: 'task abandon_lifecycle: cleanup failed',
      },
    ]);
    expect(last.state).toMatchObject({ current: 'abandoned', status: 'finished' });
  });

  it('reaches failure from the new state when an after task fails', () => {
    const def = parsed({ ...example, initial: 'join_cluster', transitions: example.transitions.slice(1) });
    const { commands } = play(def, startLifecycle(def, 0), (task) =>
      task === 'announce' ? { ok: false, error: '503' } : { ok: true },
    );
    expect(trace(commands)).toEqual([
      'run:drain_old_node',
      'run:join',
      'join_cluster->joined_cluster',
      'run:announce',
      'joined_cluster->failure',
      'run:abandon_lifecycle',
      'failure->abandoned',
      'finished:abandoned',
    ]);
  });

  it('treats a failing condition or unless task as a failure, not as an answer', () => {
    const condition = play(exampleDef, startLifecycle(exampleDef, 0), (task) =>
      task === 'has_private_ip' ? { ok: false, error: 'metadata service down' } : { ok: true },
    );
    expect(trace(condition.commands).slice(0, 3)).toEqual([
      'run:has_private_ip',
      'launched->failure',
      'run:abandon_lifecycle',
    ]);

    const def = parsed({ ...example, initial: 'joined_cluster', transitions: example.transitions.slice(2) });
    const unless = play(def, startLifecycle(def, 0), (task) =>
      task === 'is_private' ? { ok: false } : { ok: true },
    );
    expect(trace(unless.commands).slice(0, 2)).toEqual(['run:is_private', 'joined_cluster->failure']);
    expect(unless.last.state.history[0]?.error).toBe('task is_private: failed');
  });

  it('under ignore_errors counts a failing condition as passed and a failing unless as not blocking', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        {
          source: 'a',
          dest: 'b',
          triggers: [{ name: 'go', conditions: ['c'], unless: ['u'], ignore_errors: true }],
        },
      ],
      tasks: { c: { engine: 'nil' }, u: { engine: 'nil' } },
    });
    const { commands, last } = play(def, startLifecycle(def, 0), (task) => ({
      ok: false,
      error: `${task} broke`,
    }));
    expect(trace(commands)).toEqual(['run:c', 'run:u', 'a->b', 'finished:b']);
    expect(last.state.history).toEqual([
      { from: 'a', to: 'b', trigger: 'go', at: 3000, ok: false, error: 'task c: c broke; task u: u broke' },
    ]);
  });

  it('records an after task error under ignore_errors on the state change already made', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        { source: 'a', dest: 'b', triggers: [{ name: 'go', after: ['tell'], ignore_errors: true }] },
      ],
      tasks: { tell: { engine: 'http' } },
    });
    const { commands, last } = play(def, startLifecycle(def, 0), () => ({ ok: false, error: 'timeout' }));
    expect(trace(commands)).toEqual(['a->b', 'run:tell', 'finished:b']);
    expect(last.state.history).toEqual([
      { from: 'a', to: 'b', trigger: 'go', at: 0, ok: false, error: 'task tell: timeout' },
    ]);
  });

  it('ends in failure when failure handling itself fails without ignore_errors', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        { source: 'a', dest: 'b', triggers: [{ name: 'go' }] },
        { source: 'failure', dest: 'cleaned', triggers: [{ name: 'cleanup' }] },
      ],
      tasks: { go: { engine: 'nil' }, cleanup: { engine: 'shell' } },
    });
    const { commands, last } = play(def, startLifecycle(def, 0), (task) => ({
      ok: false,
      error: `${task} failed`,
    }));
    expect(trace(commands)).toEqual(['run:go', 'a->failure', 'run:cleanup', 'finished:failure']);
    expect(last.state).toMatchObject({ current: 'failure', status: 'finished' });
    expect(last.state.history.at(-1)).toEqual({
      from: 'failure',
      to: 'failure',
      trigger: 'cleanup',
      at: 3000,
      ok: false,
      error: 'task cleanup: cleanup failed',
    });
  });

  it('finishes in failure when failure has no transitions', () => {
    const def = parsed({ ...example, transitions: example.transitions.slice(0, 1) });
    const { commands } = play(def, startLifecycle(def, 0), () => ({ ok: false }));
    expect(trace(commands)).toEqual(['run:has_private_ip', 'launched->failure', 'finished:failure']);
  });
});

describe('pausing and events', () => {
  const stopping = parsed({
    type: 'x',
    initial: 'a',
    transitions: [
      { source: 'a', dest: 'b', triggers: [{ name: 'go' }], stop_after_state_change: true },
      { source: 'b', dest: 'c', triggers: [{ name: 'next' }, { name: 'other' }] },
      { source: 'b', dest: 'd', triggers: [{ name: 'side' }] },
    ],
    tasks: { go: { engine: 'nil' }, next: { engine: 'nil' }, side: { engine: 'nil' } },
  });

  it('pauses after a state change with stop_after_state_change, and goes on at resume', () => {
    const { commands, last } = play(stopping, startLifecycle(stopping, 0));
    expect(trace(commands)).toEqual(['run:go', 'a->b', 'paused:stop_after_state_change']);
    expect(last.state).toMatchObject({
      current: 'b',
      status: 'paused',
      pausedFor: 'stop_after_state_change',
    });
    const resumed = play(stopping, stepLifecycle(stopping, last.state, { kind: 'resume' }, 5));
    expect(trace(resumed.commands)).toEqual(['run:next', 'b->c', 'finished:c']);
  });

  it('fires a named trigger when paused, and only that one', () => {
    const paused = play(stopping, startLifecycle(stopping, 0)).last;
    const fired = play(stopping, stepLifecycle(stopping, paused.state, { kind: 'fire', trigger: 'side' }, 5));
    expect(trace(fired.commands)).toEqual(['run:side', 'b->d', 'finished:d']);
    // a trigger with no task of its name just changes the state
    const other = stepLifecycle(stopping, paused.state, { kind: 'fire', trigger: 'other' }, 5);
    expect(trace(other.commands)).toEqual(['b->c', 'finished:c']);
  });

  it('rejects a fire for a trigger the current state does not have, or while running', () => {
    const paused = play(stopping, startLifecycle(stopping, 0)).last;
    const unknown = stepLifecycle(stopping, paused.state, { kind: 'fire', trigger: 'go' }, 5);
    expect(unknown.rejected).toBe('fire go: no transition from b has it');
    expect(unknown.state).toBe(paused.state);
    const running = startLifecycle(stopping, 0);
    expect(stepLifecycle(stopping, running.state, { kind: 'fire', trigger: 'go' }, 5).rejected).toBe(
      'fire go: the machine is running, not paused',
    );
  });

  it('rejects resume unless paused', () => {
    const running = startLifecycle(stopping, 0);
    const result = stepLifecycle(stopping, running.state, { kind: 'resume' }, 5);
    expect(result).toEqual({
      state: running.state,
      commands: [],
      rejected: 'resume: the machine is running, not paused',
    });
    const finished = play(exampleDef, startLifecycle(exampleDef, 0), (task) => ({
      ok: true,
      output: { result: task !== 'is_private' },
    })).last;
    expect(finished.state.status).toBe('finished');
    expect(stepLifecycle(exampleDef, finished.state, { kind: 'resume' }, 5).rejected).toBe(
      'resume: the machine is finished, not paused',
    );
  });

  it('ignores a result for a stale run id', () => {
    const started = startLifecycle(exampleDef, 0);
    const next = stepLifecycle(
      exampleDef,
      started.state,
      { kind: 'task_result', runId: 'run-1', ok: true },
      5,
    );
    // run-1 again (a re-delivery), and a made-up id
    for (const runId of ['run-1', 'run-99']) {
      const stale = stepLifecycle(
        exampleDef,
        next.state,
        { kind: 'task_result', runId, ok: false, error: 'x' },
        6,
      );
      expect(stale.rejected).toBe(`stale run ${runId}: awaiting run run-2 (task start_join)`);
      expect(stale.commands).toEqual([]);
      expect(stale.state).toBe(next.state);
    }
    const paused = stepLifecycle(
      exampleDef,
      started.state,
      { kind: 'task_result', runId: 'run-1', ok: true, output: { result: false } },
      5,
    );
    expect(
      stepLifecycle(exampleDef, paused.state, { kind: 'task_result', runId: 'run-1', ok: true }, 6).rejected,
    ).toBe('stale run run-1: no task run is awaited (the machine is paused)');
  });

  it('rejects an unknown event kind without throwing', () => {
    const started = startLifecycle(exampleDef, 0);
    const bogus = { kind: 'explode' } as unknown as Parameters<typeof stepLifecycle>[2];
    expect(stepLifecycle(exampleDef, started.state, bogus, 1).rejected).toBe('unknown event "explode"');
  });

  it('does not mutate the state it is given', () => {
    const started = startLifecycle(exampleDef, 0);
    const frozen = JSON.parse(JSON.stringify(started.state)) as LifecycleState;
    const copy = structuredClone(frozen);
    stepLifecycle(exampleDef, frozen, { kind: 'task_result', runId: 'run-1', ok: true }, 5);
    stepLifecycle(exampleDef, frozen, { kind: 'task_result', runId: 'run-1', ok: false }, 5);
    expect(frozen).toEqual(copy);
  });

  it('finishes at once when no transition leaves the initial state', () => {
    const def = parsed({ type: 'x', initial: 'a', transitions: [], tasks: {} });
    expect(startLifecycle(def, 0)).toEqual({
      state: { current: 'a', status: 'finished', history: [], runs: 0 },
      commands: [{ kind: 'finished', state: 'a' }],
    });
  });

  it('pauses a cycle of transitions without tasks instead of spinning', () => {
    const def = parsed({
      type: 'x',
      initial: 'a',
      transitions: [
        { source: 'a', dest: 'b', triggers: [{ name: 'ab' }] },
        { source: 'b', dest: 'a', triggers: [{ name: 'ba' }] },
      ],
      tasks: {},
    });
    const started = startLifecycle(def, 0);
    expect(trace(started.commands)).toEqual(['a->b', 'b->a', 'a->b', 'paused:loop']);
    const again = stepLifecycle(def, started.state, { kind: 'resume' }, 1);
    expect(trace(again.commands)).toEqual(['b->a', 'a->b', 'b->a', 'paused:loop']);
  });
});

describe('persistence', () => {
  it('continues identically from a state that went through JSON mid-run', () => {
    const answer = (task: string): Answer =>
      task === 'is_private' ? { ok: true, output: { result: false } } : { ok: true };
    // stop in the middle of the join transition: drain_old_node done, join awaited
    let step = startLifecycle(exampleDef, 0);
    for (let i = 0; i < 3; i++) {
      const run = awaited(step);
      step = stepLifecycle(
        exampleDef,
        step.state,
        { kind: 'task_result', runId: run.runId, ...answer(run.task) },
        i,
      );
    }
    expect(step.state.progress).toMatchObject({ phase: 'task', task: 'join', runId: 'run-4' });

    const restored = JSON.parse(JSON.stringify(step.state)) as LifecycleState;
    expect(restored).toEqual(step.state);
    const fromOriginal = play(exampleDef, { state: step.state, commands: [awaited(step)] }, answer);
    const fromRestored = play(exampleDef, { state: restored, commands: [awaited(step)] }, answer);
    expect(fromRestored.commands).toEqual(fromOriginal.commands);
    expect(fromRestored.last.state).toEqual(fromOriginal.last.state);
    expect(fromRestored.last.state.current).toBe('ready');
  });

  it('resumes a paused state after a JSON round trip', () => {
    const paused = stepLifecycle(
      exampleDef,
      startLifecycle(exampleDef, 0).state,
      { kind: 'task_result', runId: 'run-1', ok: true, output: { result: false } },
      1,
    );
    const restored = JSON.parse(JSON.stringify(paused.state)) as LifecycleState;
    const resumed = stepLifecycle(exampleDef, restored, { kind: 'resume' }, 2);
    expect(awaited(resumed)).toMatchObject({ task: 'has_private_ip', runId: 'run-2' });
  });
});
