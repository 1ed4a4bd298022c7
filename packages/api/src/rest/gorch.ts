// The gorchestrator-compatible view of a build: task state names and numbers
// (gorchestrator's orchestrator/const.go: Initial 0, ToRun 1, Running 2, Success 3, Failure 4,
// NotRunnable 5, Timeout 10, Canceled 11).
import type { BuildStatus } from '@ordo/core';

export const GORCH_STATE_NAMES: Readonly<Record<number, string>> = {
  0: 'Initial',
  1: 'ToRun',
  2: 'Running',
  3: 'Success',
  4: 'Failure',
  5: 'NotRunnable',
  10: 'Timeout',
  11: 'Canceled',
};

/** The gorch task state of a build. */
export const GORCH_TASK_STATE: Readonly<Record<BuildStatus, number>> = {
  pending: 1,
  running: 2,
  cancelling: 2,
  completed: 3,
  errored: 4,
  cancelled: 11,
};

export function gorchTaskState(status: string): number {
  return Object.hasOwn(GORCH_TASK_STATE, status) ? GORCH_TASK_STATE[status as BuildStatus] : 0;
}

export function gorchStateName(state: number): string {
  return GORCH_STATE_NAMES[state] ?? String(state);
}
