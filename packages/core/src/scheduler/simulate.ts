/**
 * A deterministic in-memory driver for tests and benchmarks: it plays the runner and every
 * executor. It feeds `start` (when the build is pending), answers each dispatch after
 * `duration(componentId)` ms — `.error` with the text `fail(componentId, attempt)` returns, else
 * `.done` echoing the dispatched payload plus `outputs(componentId, attempt)` — fires timers at their time, and stops when the build
 * is finished or nothing is left to happen. A cancel is answered at once with an error.
 *
 * Given a state that is already running (e.g. reloaded from JSON), it resumes as a restarted
 * runner would: it re-sends the in-flight dispatches and re-arms `pendingTimers`.
 */

import { step } from './step';
import { inFlightDispatches, pendingTimers } from './timers';
import type { BuildState, Command, SchedulerEvent, StepResult } from './types';

export interface SimulateOptions {
  /** ms an executor takes for a component (default 1) */
  duration?: (componentId: string) => number;
  /** an error text to fail this attempt with, or undefined to succeed */
  fail?: (componentId: string, attempt: number) => string | undefined;
  /** fields a successful answer adds to the echoed payload (provider outputs such as `vpc_id`) */
  outputs?: (componentId: string, attempt: number) => Record<string, unknown>;
  /** clock at the start (default 0) */
  now?: number;
  /** stop after this many steps (the build may then be unfinished) */
  maxSteps?: number;
  /** called after every step */
  onStep?: (event: SchedulerEvent, result: StepResult, now: number) => void;
}

export interface SimulateResult {
  state: BuildState;
  /** time from the simulation's start to the build's end (or to the last step, if unfinished) */
  makespan: number;
  /** component ids in dispatch order (one entry per dispatch) */
  dispatchOrder: string[];
  /** BuildEvents emitted */
  events: number;
  /** the clock when the simulation stopped */
  now: number;
  /** steps taken */
  steps: number;
}

/** A min-queue of events by (time, insertion order), in parallel arrays. */
class EventQueue {
  private readonly at: number[] = [];
  private readonly order: number[] = [];
  private readonly items: SchedulerEvent[] = [];
  private counter = 0;

  get size(): number {
    return this.items.length;
  }

  private less(a: number, b: number): boolean {
    const ta = this.at[a] as number;
    const tb = this.at[b] as number;
    return ta < tb || (ta === tb && (this.order[a] as number) < (this.order[b] as number));
  }

  private swap(a: number, b: number): void {
    const t = this.at[a] as number;
    this.at[a] = this.at[b] as number;
    this.at[b] = t;
    const o = this.order[a] as number;
    this.order[a] = this.order[b] as number;
    this.order[b] = o;
    const e = this.items[a] as SchedulerEvent;
    this.items[a] = this.items[b] as SchedulerEvent;
    this.items[b] = e;
  }

  push(at: number, event: SchedulerEvent): void {
    let i = this.items.length;
    this.at.push(at);
    this.order.push(this.counter++);
    this.items.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The earliest time queued (the queue must not be empty). */
  peekTime(): number {
    return this.at[0] as number;
  }

  pop(): SchedulerEvent {
    const top = this.items[0] as SchedulerEvent;
    const last = this.items.length - 1;
    this.swap(0, last);
    this.at.pop();
    this.order.pop();
    this.items.pop();
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      let child = left;
      if (left + 1 < last && this.less(left + 1, left)) child = left + 1;
      if (!this.less(child, i)) break;
      this.swap(child, i);
      i = child;
    }
    return top;
  }
}

function finished(state: BuildState): boolean {
  return state.status === 'completed' || state.status === 'errored' || state.status === 'cancelled';
}

export function simulateBuild(state: BuildState, options: SimulateOptions = {}): SimulateResult {
  const duration = options.duration ?? (() => 1);
  const fail = options.fail;
  const outputs = options.outputs;
  const maxSteps = options.maxSteps ?? Number.POSITIVE_INFINITY;
  const start = options.now ?? 0;
  let now = start;
  let steps = 0;
  let events = 0;
  const dispatchOrder: string[] = [];
  const queue = new EventQueue();
  // the answer time of the dispatch handled last, so that its (useless) deadline timer is not queued
  let lastAnswerId = '';
  let lastAnswerAttempt = -1;
  let lastAnswerAt = 0;

  const answer = (componentId: string, attempt: number, payload: Record<string, unknown>): void => {
    const at = now + Math.max(0, duration(componentId));
    const error = fail?.(componentId, attempt);
    queue.push(
      at,
      error === undefined
        ? {
            kind: 'result',
            componentId,
            attempt,
            status: 'done',
            payload: outputs ? { ...payload, ...outputs(componentId, attempt) } : payload,
          }
        : {
            kind: 'result',
            componentId,
            attempt,
            status: 'error',
            payload: { _component_id: componentId, error },
          },
    );
    lastAnswerId = componentId;
    lastAnswerAttempt = attempt;
    lastAnswerAt = at;
  };

  const handle = (commands: Command[]): void => {
    for (const command of commands) {
      switch (command.kind) {
        case 'dispatch':
          dispatchOrder.push(command.componentId);
          answer(command.componentId, command.attempt, command.payload);
          break;
        case 'timer': {
          const e = command.event;
          const answered =
            e.kind === 'timeout' &&
            e.componentId === lastAnswerId &&
            e.attempt === lastAnswerAttempt &&
            lastAnswerAt <= command.at;
          if (!answered) queue.push(command.at, e);
          break;
        }
        case 'cancel':
          queue.push(now, {
            kind: 'result',
            componentId: command.componentId,
            attempt: command.attempt,
            status: 'error',
            payload: { _component_id: command.componentId, error: 'cancelled by request' },
          });
          break;
        case 'emit':
          events++;
          break;
        case 'environment':
          break;
      }
    }
  };

  const feed = (event: SchedulerEvent): void => {
    const result = step(state, event, now);
    steps++;
    handle(result.commands);
    options.onStep?.(event, result, now);
  };

  if (state.status === 'pending') {
    feed({ kind: 'start' });
  } else {
    for (const d of inFlightDispatches(state)) answer(d.componentId, d.attempt, d.payload);
    for (const t of pendingTimers(state)) queue.push(Math.max(now, t.at), t.event);
  }

  while (queue.size > 0 && !finished(state) && steps < maxSteps) {
    const at = queue.peekTime();
    if (at > now) now = at;
    feed(queue.pop());
  }

  const end = finished(state) && state.finishedAt !== null ? state.finishedAt : now;
  return { state, makespan: end - start, dispatchOrder, events, now, steps };
}
