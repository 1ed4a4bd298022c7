/**
 * What a restarted runner needs to resume a build from its persisted state alone: the timers to
 * re-arm and the dispatches to re-send (same key, same payload; executors answer a repeated key
 * from their record). Both scan the build once: for use at start-up, not per event.
 */

import { dispatchKey } from './step';
import type { BuildState, DispatchCommand, TimerCommand } from './types';

/**
 * Every timer that should be armed now: the deadline of each in-flight attempt, the end of each
 * backoff, the cancel grace of each cancelled attempt. The runner re-arms exactly these after a
 * restart (an `at` in the past fires at once); it never has to remember timer commands.
 */
export function pendingTimers(state: BuildState): TimerCommand[] {
  const timers: TimerCommand[] = [];
  if (state.status !== 'running' && state.status !== 'cancelling') return timers;
  for (const c of state.components) {
    if (c.state === 'running') {
      if (c.deadline !== null) {
        timers.push({
          kind: 'timer',
          at: c.deadline,
          event: { kind: 'timeout', componentId: c.id, attempt: c.attempt },
        });
      }
      if (c.cancelRequested && c.cancelGraceAt !== null) {
        timers.push({
          kind: 'timer',
          at: c.cancelGraceAt,
          event: { kind: 'cancel_grace', componentId: c.id, attempt: c.attempt },
        });
      }
    } else if (c.state === 'waiting' && c.retryAt !== null) {
      timers.push({
        kind: 'timer',
        at: c.retryAt,
        event: { kind: 'retry_due', componentId: c.id, attempt: c.attempt },
      });
    }
  }
  return timers;
}

/** The dispatch commands of every in-flight attempt, exactly as first sent (key, payload, deadline). */
export function inFlightDispatches(state: BuildState): DispatchCommand[] {
  const dispatches: DispatchCommand[] = [];
  for (const c of state.components) {
    if (c.state !== 'running' || c.payload === null || c.deadline === null) continue;
    dispatches.push({
      kind: 'dispatch',
      componentId: c.id,
      attempt: c.attempt,
      key: dispatchKey(state.id, c.id, c.attempt),
      type: c.type,
      action: c.action,
      provider: c.provider,
      payload: c.payload,
      deadline: c.deadline,
    });
  }
  return dispatches;
}
