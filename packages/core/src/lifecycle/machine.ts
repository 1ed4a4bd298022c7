/**
 * The lifecycle machine: `(definition, state, event, now) → {state, commands}`. Pure: the
 * runner carries out the commands (runs tasks through executors, persists, fires callbacks)
 * and feeds the answers back as events.
 *
 * From the current state S, the triggers of the transitions whose source is S are tried in
 * definition order. For each trigger:
 *   1. `conditions` tasks, one by one: each must succeed with `output.result` not false;
 *   2. `unless` tasks, one by one: one succeeding with `output.result` not false blocks it.
 *   A trigger whose gate does not pass gives way to the next; when none passes, the machine
 *   pauses until `resume`. The first trigger that passes fires:
 *   3. `before` tasks, 4. the trigger's own task (named like the trigger, if `tasks` has it),
 *   5. the state changes to `dest` (`state_changed`), 6. `after` tasks.
 *   Then the machine goes on from `dest` at once, or pauses if `stop_after_state_change`.
 *
 * Failures: a task that fails (`ok: false`) moves the machine to `failure`, which then runs
 * like any other state. This holds for `conditions` and `unless` tasks too: an error is not an
 * answer, so it is not read as "condition false" or "not blocked". Under `ignore_errors` on the
 * trigger, a failed task is recorded (history `ok: false`, `error`) and the trigger goes on as if
 * the task had not objected: a failed condition counts as passed and a failed unless as not
 * blocking, so the transition still reaches its `dest`. A failure while the machine is in
 * `failure` (without `ignore_errors`) ends the machine there (`finished`).
 */

import {
  FAILURE_STATE,
  type LifecycleDefinition,
  type LifecycleTransition,
  type LifecycleTrigger,
} from './definition';
import type {
  LifecycleCandidate,
  LifecycleCommand,
  LifecycleEvent,
  LifecyclePauseReason,
  LifecyclePhase,
  LifecycleProgress,
  LifecycleState,
  LifecycleStep,
} from './state';

/** A new machine in the definition's initial state, driven as far as it goes. */
export function startLifecycle(def: LifecycleDefinition, now: number): LifecycleStep {
  const step = newStep(def, now, { current: def.initial, status: 'running', history: [], runs: 0 });
  drive(step);
  return { state: step.s, commands: step.commands };
}

/** Applies one event. An event that does not fit the state is `rejected` and changes nothing. */
export function stepLifecycle(
  def: LifecycleDefinition,
  state: LifecycleState,
  event: LifecycleEvent,
  now: number,
): LifecycleStep {
  const reject = (why: string): LifecycleStep => ({ state, commands: [], rejected: why });
  switch (event?.kind) {
    case 'task_result': {
      const progress = state.progress;
      if (state.status !== 'running' || progress === undefined) {
        return reject(`stale run ${event.runId}: no task run is awaited (the machine is ${state.status})`);
      }
      if (event.runId !== progress.runId) {
        return reject(`stale run ${event.runId}: awaiting run ${progress.runId} (task ${progress.task})`);
      }
      if (candidateAt(def, progress) === undefined) {
        return reject(`the state's progress names a transition the definition does not have`);
      }
      const step = newStep(def, now, state);
      if (takeResult(step, event)) drive(step);
      return { state: step.s, commands: step.commands };
    }
    case 'resume': {
      if (state.status !== 'paused') return reject(`resume: the machine is ${state.status}, not paused`);
      const step = newStep(def, now, state);
      unpause(step.s);
      drive(step);
      return { state: step.s, commands: step.commands };
    }
    case 'fire': {
      if (state.status !== 'paused')
        return reject(`fire ${event.trigger}: the machine is ${state.status}, not paused`);
      const candidates = candidatesFrom(def, state.current).filter(
        (c) => def.transitions[c.transition]?.triggers[c.trigger]?.name === event.trigger,
      );
      if (candidates.length === 0)
        return reject(`fire ${event.trigger}: no transition from ${state.current} has it`);
      const step = newStep(def, now, state);
      unpause(step.s);
      step.s.progress = freshProgress(candidates);
      drive(step);
      return { state: step.s, commands: step.commands };
    }
    default:
      return reject(`unknown event ${JSON.stringify((event as { kind?: unknown } | undefined)?.kind)}`);
  }
}

// ---------------------------------------------------------------------------------------------

/** One step in the making: a private working copy of the state, and the commands so far. */
interface Step {
  def: LifecycleDefinition;
  now: number;
  s: LifecycleState;
  commands: LifecycleCommand[];
  /** state changes made in this step without a task run in between (see the `loop` pause) */
  changes: number;
}

function newStep(def: LifecycleDefinition, now: number, state: LifecycleState): Step {
  // copy what this step may change, so the caller's state is never mutated
  const s: LifecycleState = { ...state, history: [...state.history] };
  if (state.progress !== undefined) s.progress = { ...state.progress, errors: [...state.progress.errors] };
  return { def, now, s, commands: [], changes: 0 };
}

/** Ready to try the first of `candidates`; `runId`/`task` are set when a run starts. */
function freshProgress(candidates: LifecycleCandidate[]): LifecycleProgress {
  return { candidates, candidate: 0, phase: 'conditions', step: 0, runId: '', task: '', errors: [] };
}

/** Every trigger of the transitions leaving `state`, in definition order. */
function candidatesFrom(def: LifecycleDefinition, state: string): LifecycleCandidate[] {
  const candidates: LifecycleCandidate[] = [];
  for (const [transition, t] of def.transitions.entries()) {
    if (t.source !== state) continue;
    for (let trigger = 0; trigger < t.triggers.length; trigger++) candidates.push({ transition, trigger });
  }
  return candidates;
}

function candidateAt(
  def: LifecycleDefinition,
  progress: LifecycleProgress,
): { transition: LifecycleTransition; trigger: LifecycleTrigger } | undefined {
  const c = progress.candidates[progress.candidate];
  const transition = c === undefined ? undefined : def.transitions[c.transition];
  const trigger = c === undefined ? undefined : transition?.triggers[c.trigger];
  return transition === undefined || trigger === undefined ? undefined : { transition, trigger };
}

/** The tasks of one phase of a trigger. */
function phaseTasks(
  def: LifecycleDefinition,
  trigger: LifecycleTrigger,
  phase: LifecyclePhase,
): readonly string[] {
  if (phase === 'task') return Object.hasOwn(def.tasks, trigger.name) ? [trigger.name] : [];
  return trigger[phase] ?? [];
}

const NEXT_PHASE: Record<Exclude<LifecyclePhase, 'task' | 'after'>, LifecyclePhase> = {
  conditions: 'unless',
  unless: 'before',
  before: 'task',
};

/** Runs the machine until it awaits a task run, pauses or finishes. */
function drive(step: Step): void {
  const { def, s } = step;
  for (;;) {
    if (s.progress === undefined) {
      const candidates = candidatesFrom(def, s.current);
      if (candidates.length === 0) {
        finish(step);
        return;
      }
      s.progress = freshProgress(candidates);
    }
    const p = s.progress;
    const at = candidateAt(def, p);
    if (at === undefined) {
      // no (more) triggers to try
      pause(step, 'no_trigger_passed');
      return;
    }
    const tasks = phaseTasks(def, at.trigger, p.phase);
    const task = tasks[p.step];
    if (task !== undefined) {
      const definition = Object.hasOwn(def.tasks, task) ? def.tasks[task] : undefined;
      if (definition === undefined) {
        // only reachable with a definition that did not pass parseLifecycle
        if (!fail(step, at.trigger.name, `task ${task} is not defined`)) return;
        continue;
      }
      s.runs += 1;
      p.runId = `run-${s.runs}`;
      p.task = task;
      s.status = 'running';
      step.commands.push({
        kind: 'run_task',
        runId: p.runId,
        task,
        definition,
        trigger: at.trigger.name,
        phase: p.phase,
      });
      return;
    }
    // this phase is done
    if (p.phase === 'task') {
      changeState(step, at.transition.dest, at.trigger.name, p.errors);
      p.phase = 'after';
      p.step = 0;
    } else if (p.phase === 'after') {
      delete s.progress;
      if (at.transition.stop_after_state_change === true) {
        pause(step, 'stop_after_state_change');
        return;
      }
      // transitions without tasks cannot wait for anything: a cycle of them would spin here
      if (step.changes > def.transitions.length) {
        pause(step, 'loop');
        return;
      }
    } else {
      p.phase = NEXT_PHASE[p.phase];
      p.step = 0;
    }
  }
}

/** Applies the answer of the awaited run to `progress`. False when the machine stopped (finished). */
function takeResult(step: Step, event: Extract<LifecycleEvent, { kind: 'task_result' }>): boolean {
  const p = step.s.progress!;
  const { trigger } = candidateAt(step.def, p)!;
  if (!event.ok) {
    const error = `task ${p.task}: ${event.error ?? 'failed'}`;
    if (trigger.ignore_errors !== true) return fail(step, trigger.name, error);
    // recorded, and the trigger goes on as if the task had not objected
    p.errors.push(error);
    if (p.phase === 'after') recordLateError(step, p.errors);
    p.step += 1;
    return true;
  }
  const said = resultOf(event.output);
  const gateClosed = (p.phase === 'conditions' && said === false) || (p.phase === 'unless' && said !== false);
  if (gateClosed) {
    // this trigger does not fire: try the next one
    p.candidate += 1;
    p.phase = 'conditions';
    p.step = 0;
    p.errors = [];
  } else {
    p.step += 1;
  }
  return true;
}

/** `output.result`, the answer of a condition or unless task (undefined when absent). */
function resultOf(output: unknown): unknown {
  return typeof output === 'object' && output !== null && !Array.isArray(output)
    ? (output as Record<string, unknown>).result
    : undefined;
}

function changeState(step: Step, to: string, trigger: string, errors: readonly string[]): void {
  const { s, now } = step;
  const from = s.current;
  const ok = errors.length === 0;
  const error = ok ? undefined : errors.join('; ');
  s.history.push(ok ? { from, to, trigger, at: now, ok } : { from, to, trigger, at: now, ok, error });
  step.commands.push(
    ok
      ? { kind: 'state_changed', from, to, trigger, at: now }
      : { kind: 'state_changed', from, to, trigger, at: now, error },
  );
  s.current = to;
  step.changes += 1;
}

/** An `after` task failed under ignore_errors: the state change is already in the history; mark it. */
function recordLateError(step: Step, errors: readonly string[]): void {
  const last = step.s.history.at(-1);
  if (last !== undefined)
    step.s.history[step.s.history.length - 1] = { ...last, ok: false, error: errors.join('; ') };
}

/**
 * A task failed: move to `failure` (true: go on from there), or, when already in `failure`,
 * record it and finish there (false).
 */
function fail(step: Step, trigger: string, error: string): boolean {
  const { s, now } = step;
  if (s.current === FAILURE_STATE) {
    s.history.push({ from: FAILURE_STATE, to: FAILURE_STATE, trigger, at: now, ok: false, error });
    finish(step);
    return false;
  }
  delete s.progress;
  changeState(step, FAILURE_STATE, trigger, [error]);
  return true;
}

function unpause(s: LifecycleState): void {
  s.status = 'running';
  delete s.pausedFor;
}

function pause(step: Step, reason: LifecyclePauseReason): void {
  const { s } = step;
  s.status = 'paused';
  s.pausedFor = reason;
  delete s.progress;
  step.commands.push({ kind: 'paused', state: s.current, reason });
}

function finish(step: Step): void {
  const { s } = step;
  s.status = 'finished';
  delete s.progress;
  delete s.pausedFor;
  step.commands.push({ kind: 'finished', state: s.current });
}
