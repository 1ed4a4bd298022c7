/**
 * Reading and validating a lifecycle definition. Every problem is reported at once, each with
 * the states/tasks concerned and a JSON path into the input.
 *
 * Issue codes:
 * - `unknown_key`           a key the format does not have (the path ends with it)
 * - `missing_field`         a required key is absent
 * - `invalid_field`         a value of the wrong type or shape
 * - `duplicate_transition`  a second transition from the same source to the same destination
 * - `no_triggers`           a transition with an empty `triggers` list: nothing can fire it
 * - `unknown_task`          a conditions/unless/before/after entry naming no task in `tasks`
 * - `unreachable_state`     a state (not the initial one, not `failure`) that no chain of
 *                           transitions from the initial state or from `failure` reaches
 * - `unknown_initial`       the initial state appears in no transition
 *
 * The checks that span several fields run on whatever parts of the input are well-formed, so a
 * type error in one transition does not hide a duplicate elsewhere.
 */

import type { z } from 'zod';
import type { ValidationIssue } from '../graph/model';
import {
  FAILURE_STATE,
  type LifecycleDefinition,
  lifecycleDefinitionSchema,
  TASK_LIST_KEYS,
  type TaskListKey,
} from './definition';

export type ParseLifecycleResult =
  | { ok: true; definition: LifecycleDefinition }
  | { ok: false; issues: ValidationIssue[] };

export function parseLifecycle(input: unknown): ParseLifecycleResult {
  const parsed = lifecycleDefinitionSchema.safeParse(input);
  const issues = parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromZodIssue(issue, input));
  issues.push(...checkSemantics(loosen(input)));
  if (issues.length > 0 || !parsed.success) return { ok: false, issues };
  return { ok: true, definition: parsed.data };
}

// ---------------------------------------------------------------------------------------------
// Schema issues

function fromZodIssue(issue: z.core.$ZodIssue, input: unknown): ValidationIssue[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  const where = jsonPath(path);
  const ids = idsAt(input, path);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      code: 'unknown_key',
      message: `unknown key "${key}" in ${where}`,
      ids,
      path: where + jsonPathKey(key),
    }));
  }
  if (issue.code === 'invalid_type' && path.length > 0 && valueAt(input, path) === undefined) {
    const parent = jsonPath(path.slice(0, -1));
    return [
      { code: 'missing_field', message: `missing "${String(path.at(-1))}" in ${parent}`, ids, path: where },
    ];
  }
  return [{ code: 'invalid_field', message: `${where}: ${issue.message}`, ids, path: where }];
}

/** The states, trigger and task names found along `path` in the raw input. */
function idsAt(input: unknown, path: readonly (string | number)[]): string[] {
  const ids: string[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string' && value !== '' && !ids.includes(value)) ids.push(value);
  };
  if (path[0] === 'initial') add(valueAt(input, ['initial']));
  if (path[0] === 'tasks' && path.length > 1) add(path[1]);
  if (path[0] === 'transitions' && path.length > 1) {
    const transition = valueAt(input, path.slice(0, 2));
    add(valueAt(transition, ['source']));
    add(valueAt(transition, ['dest']));
    if (path[2] === 'triggers' && path.length > 3) {
      add(valueAt(input, [...path.slice(0, 4), 'name']));
      if (path.length > 5) add(valueAt(input, path.slice(0, 6)));
    }
  }
  return ids;
}

function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** `$.transitions[2].triggers[0]` */
export function jsonPath(path: readonly (string | number)[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : jsonPathKey(p))).join('')}`;
}

function jsonPathKey(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

// ---------------------------------------------------------------------------------------------
// Checks across fields, on a tolerant view of the input that keeps the original indexes

interface LooseTrigger {
  index: number;
  name?: string;
  lists: { key: TaskListKey; tasks: { index: number; name: string }[] }[];
}

interface LooseTransition {
  index: number;
  source?: string;
  dest?: string;
  /** undefined when `triggers` is not a list */
  triggers?: LooseTrigger[];
}

interface LooseDefinition {
  initial?: string;
  transitions: LooseTransition[];
  /** undefined when `tasks` is not an object: task names are then not checked */
  tasks?: ReadonlySet<string>;
}

function loosen(input: unknown): LooseDefinition {
  const root = asRecord(input);
  const tasksRecord = asRecord(root?.tasks);
  return {
    initial: asName(root?.initial),
    tasks: tasksRecord === undefined ? undefined : new Set(Object.keys(tasksRecord)),
    transitions: asList(root?.transitions).map((raw, index) => {
      const t = asRecord(raw);
      return {
        index,
        source: asName(t?.source),
        dest: asName(t?.dest),
        triggers: Array.isArray(t?.triggers)
          ? t.triggers.map((rawTrigger: unknown, triggerIndex: number) => {
              const trigger = asRecord(rawTrigger);
              return {
                index: triggerIndex,
                name: asName(trigger?.name),
                lists: TASK_LIST_KEYS.map((key) => ({
                  key,
                  tasks: asList(trigger?.[key]).flatMap((task, i) => {
                    const taskName = asName(task);
                    return taskName === undefined ? [] : [{ index: i, name: taskName }];
                  }),
                })),
              };
            })
          : undefined,
      };
    }),
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asName(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function checkSemantics(def: LooseDefinition): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const arrow = (t: LooseTransition) => `${t.source ?? '?'} → ${t.dest ?? '?'}`;
  const stateIds = (t: LooseTransition) => [t.source, t.dest].filter((s): s is string => s !== undefined);

  // duplicate_transition, no_triggers, unknown_task: transition by transition
  const firstIndex = new Map<string, number>();
  for (const t of def.transitions) {
    const at = `$.transitions[${t.index}]`;
    if (t.source !== undefined && t.dest !== undefined) {
      const key = JSON.stringify([t.source, t.dest]);
      const first = firstIndex.get(key);
      if (first === undefined) {
        firstIndex.set(key, t.index);
      } else {
        issues.push({
          code: 'duplicate_transition',
          message: `transition ${arrow(t)} is defined twice (transitions[${first}] and transitions[${t.index}]); put all its triggers in one transition`,
          ids: stateIds(t),
          path: at,
        });
      }
    }
    if (t.triggers?.length === 0) {
      issues.push({
        code: 'no_triggers',
        message: `transition ${arrow(t)} has no triggers, so nothing can fire it`,
        ids: stateIds(t),
        path: `${at}.triggers`,
      });
    }
    if (def.tasks === undefined) continue;
    for (const trigger of t.triggers ?? []) {
      for (const list of trigger.lists) {
        for (const task of list.tasks) {
          if (def.tasks.has(task.name)) continue;
          issues.push({
            code: 'unknown_task',
            message: `trigger "${trigger.name ?? '?'}" of ${arrow(t)} names task "${task.name}" in ${list.key}, but tasks has no "${task.name}"`,
            ids: [task.name, ...stateIds(t)],
            path: `${at}.triggers[${trigger.index}].${list.key}[${task.index}]`,
          });
        }
      }
    }
  }

  if (def.initial === undefined) return issues;
  const initial = def.initial;

  // unknown_initial
  const mentioned = def.transitions.some((t) => t.source === initial || t.dest === initial);
  if (def.transitions.length > 0 && !mentioned) {
    issues.push({
      code: 'unknown_initial',
      message: `the initial state "${initial}" appears in no transition`,
      ids: [initial],
      path: '$.initial',
    });
  }

  // unreachable_state: reachable = everything a chain of transitions leads to from the
  // initial state or from failure (which any failing task leads to)
  const reachable = new Set([initial, FAILURE_STATE]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const t of def.transitions) {
      if (
        t.source !== undefined &&
        t.dest !== undefined &&
        reachable.has(t.source) &&
        !reachable.has(t.dest)
      ) {
        reachable.add(t.dest);
        grew = true;
      }
    }
  }
  const reported = new Set<string>();
  for (const t of def.transitions) {
    for (const [field, state] of [
      ['source', t.source],
      ['dest', t.dest],
    ] as const) {
      if (state === undefined || reachable.has(state) || reported.has(state)) continue;
      reported.add(state);
      const enteredFrom = def.transitions
        .filter((other) => other.dest === state && other.source !== undefined && other.source !== state)
        .map((other) => other.source as string);
      const why =
        enteredFrom.length === 0
          ? 'no transition leads to it'
          : `it is entered only from states that are never reached (${[...new Set(enteredFrom)].join(', ')})`;
      issues.push({
        code: 'unreachable_state',
        message: `state "${state}" is never reached from the initial state "${initial}" or from failure: ${why}`,
        ids: [state],
        path: `$.transitions[${t.index}].${field}`,
      });
    }
  }
  return issues;
}
