/**
 * The lifecycle machine's state, commands and events. All plain JSON: a state can be stored
 * (JSON.stringify) and the machine resumed from it after a restart.
 */

import type { LifecycleTask } from './definition';

/** What the machine is doing. */
export type LifecycleStatus =
  /** a task run is awaited (`progress` says which); the next event is its `task_result` */
  | 'running'
  /** waiting for the next external event (`resume` or `fire`); `pausedFor` says why */
  | 'paused'
  /** nothing more will happen: no transition leaves the current state, or failure handling failed */
  | 'finished';

/** Which part of a trigger a task run belongs to, in the order they run. */
export type LifecyclePhase =
  /** a `conditions` task: the trigger fires only if each succeeds with `result` not false */
  | 'conditions'
  /** an `unless` task: the trigger is blocked if one succeeds with `result` not false */
  | 'unless'
  /** a `before` task: the trigger fired, the state has not changed yet */
  | 'before'
  /** the trigger's own task (the task named like the trigger), just before the state change */
  | 'task'
  /** an `after` task: the state has changed to the transition's `dest` */
  | 'after';

/** Why the machine is paused. */
export type LifecyclePauseReason =
  /** the transition just taken has `stop_after_state_change: true` */
  | 'stop_after_state_change'
  /** no trigger of the current state passed its conditions/unless gate */
  | 'no_trigger_passed'
  /**
   * transitions without any task led back to a transition already taken within one step, which
   * would repeat forever; a `resume` goes round once more
   */
  | 'loop';

/** A trigger that may fire: indexes into `transitions` and that transition's `triggers`. */
export interface LifecycleCandidate {
  transition: number;
  trigger: number;
}

/** The trigger being tried or fired, and the task run awaited. */
export interface LifecycleProgress {
  /** the triggers to try, in order (all those of the current state, or those a `fire` named) */
  candidates: LifecycleCandidate[];
  /** index into `candidates` of the trigger being tried or fired */
  candidate: number;
  phase: LifecyclePhase;
  /** index of the awaited task within the phase's task list */
  step: number;
  /** the run awaited: a `task_result` must carry this id */
  runId: string;
  /** name of the task awaited */
  task: string;
  /** task errors recorded so far under `ignore_errors` */
  errors: string[];
}

/** One entry of the history: a state change, or a failure that ended the machine. */
export interface LifecycleHistoryEntry {
  from: string;
  to: string;
  trigger: string;
  /** the clock value passed to the step that made it (ms since the epoch) */
  at: number;
  /** false when a task of the trigger failed (the move to `failure`, or errors ignored under `ignore_errors`) */
  ok: boolean;
  error?: string;
}

export interface LifecycleState {
  /** name of the current state */
  current: string;
  status: LifecycleStatus;
  /** set when `status` is `paused` */
  pausedFor?: LifecyclePauseReason;
  /** set when `status` is `running` */
  progress?: LifecycleProgress;
  history: LifecycleHistoryEntry[];
  /** task runs started so far; run ids are `run-1`, `run-2` … (unique within one machine) */
  runs: number;
}

/** What the runner must do. */
export type LifecycleCommand =
  /** start a task through its executor, then answer with a `task_result` carrying `runId` */
  | {
      kind: 'run_task';
      runId: string;
      task: string;
      definition: LifecycleTask;
      /** the trigger and phase it runs for (for logs) */
      trigger: string;
      phase: LifecyclePhase;
    }
  /** the machine changed state (persist it, fire callbacks); `error` when it moved to failure */
  | { kind: 'state_changed'; from: string; to: string; trigger: string; at: number; error?: string }
  /** the machine waits for the next external event */
  | { kind: 'paused'; state: string; reason: LifecyclePauseReason }
  /** the machine is done, in `state` */
  | { kind: 'finished'; state: string };

export type LifecycleEvent =
  /** the answer to a `run_task`; `output.result === false` makes a condition fail / an unless pass */
  | { kind: 'task_result'; runId: string; ok: boolean; output?: unknown; error?: string }
  /** the next external event: go on after a pause */
  | { kind: 'resume' }
  /** try only the triggers of the current state with this name (when paused) */
  | { kind: 'fire'; trigger: string };

export interface LifecycleStep {
  state: LifecycleState;
  commands: LifecycleCommand[];
  /** why the event was ignored (stale run id, wrong status …); the state is then returned unchanged */
  rejected?: string;
}
