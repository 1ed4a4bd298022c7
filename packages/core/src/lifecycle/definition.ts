/**
 * A lifecycle definition: a per-type state machine in the autoscaling-lifecycle form
 * (see formats/lifecycle.example.json), and the zod schema that reads one.
 */

import { z } from 'zod';

/** The implicit state a failing task moves the machine to. It may have transitions out of it. */
export const FAILURE_STATE = 'failure';

/** The task lists of a trigger, in the order they run. */
export type TaskListKey = 'conditions' | 'unless' | 'before' | 'after';

export const TASK_LIST_KEYS: readonly TaskListKey[] = ['conditions', 'unless', 'before', 'after'];

/** A task, run by an executor. Keys beyond these are rejected, so a typo is never ignored. */
export interface LifecycleTask {
  /** executor engine, e.g. `nil`, `sleep`, `shell`, `http` */
  engine: string;
  /** what the engine runs: a command, a URL … */
  artifact?: string;
  /** arguments; may hold `${…}` templates, which the runner resolves before dispatch */
  args?: string[];
  /** deadline of one run in ms; a run with no answer by then counts as failed (the runner's job) */
  timeout_ms?: number;
}

export interface LifecycleTrigger {
  /** the trigger's name; the task of the same name, when `tasks` has one, is the trigger's own task */
  name: string;
  /** tasks that must each succeed with `result` not false for the trigger to fire */
  conditions?: string[];
  /** tasks that block the trigger when one succeeds with `result` not false */
  unless?: string[];
  /** tasks run once the trigger fires, before its own task and the state change */
  before?: string[];
  /** tasks run after the state change */
  after?: string[];
  /** when true, failures of this trigger's tasks are recorded but the transition still reaches `dest` */
  ignore_errors?: boolean;
}

export interface LifecycleTransition {
  source: string;
  dest: string;
  /** tried in order; the first whose gate passes fires */
  triggers: LifecycleTrigger[];
  /** when true the machine waits for the next external event (`resume`) after reaching `dest` */
  stop_after_state_change?: boolean;
}

export interface LifecycleDefinition {
  /** the instance type this machine is for, e.g. `instance` */
  type: string;
  /** the state a new machine starts in */
  initial: string;
  /** tried in definition order */
  transitions: LifecycleTransition[];
  tasks: Record<string, LifecycleTask>;
}

const name = z.string().min(1);
const taskList = z.array(name);

const taskSchema = z.strictObject({
  engine: name,
  artifact: z.string().optional(),
  args: z.array(z.string()).optional(),
  timeout_ms: z.number().int().positive().optional(),
});

const triggerSchema = z.strictObject({
  name,
  conditions: taskList.optional(),
  unless: taskList.optional(),
  before: taskList.optional(),
  after: taskList.optional(),
  ignore_errors: z.boolean().optional(),
});

const transitionSchema = z.strictObject({
  source: name,
  dest: name,
  // an empty list is allowed here and reported as `no_triggers`, with its own message
  triggers: z.array(triggerSchema),
  stop_after_state_change: z.boolean().optional(),
});

/** The shape of a definition; parse.ts adds the checks that span several fields. */
export const lifecycleDefinitionSchema: z.ZodType<LifecycleDefinition> = z.strictObject({
  type: name,
  initial: name,
  transitions: z.array(transitionSchema),
  tasks: z.record(name, taskSchema),
});
