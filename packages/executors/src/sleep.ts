// `sleep`: waits, then answers done (gorchestrator's sleep engine). The wait is `args[0]`
// seconds (gorch), else `seconds`, else `duration_ms`; a cancel or the deadline ends it.
import { z } from 'zod';
import { delay } from './delay';
import { ExecutorError } from './errors';
import { nonNegativeNumber, parseInput } from './input';
import { defineExecutor, type Executor } from './sdk';

export interface SleepExecutorOptions {
  name?: string;
  provider?: string;
}

const sleepInput = z.looseObject({
  args: z.array(z.unknown()).optional(),
  seconds: nonNegativeNumber.optional(),
  duration_ms: nonNegativeNumber.optional(),
});

/** The wait in ms a sleep component asks for. */
export function sleepDurationMs(component: unknown): number {
  const input = parseInput('sleep', sleepInput, component);
  const first = input.args?.[0];
  if (first !== undefined) {
    const seconds = nonNegativeNumber.safeParse(first);
    if (!seconds.success) {
      throw new ExecutorError(
        'INVALID_INPUT',
        `sleep: args[0] must be a number of seconds, got ${JSON.stringify(first)}`,
      );
    }
    return Math.round(seconds.data * 1000);
  }
  if (input.seconds !== undefined) return Math.round(input.seconds * 1000);
  if (input.duration_ms !== undefined) return Math.round(input.duration_ms);
  throw new ExecutorError(
    'INVALID_INPUT',
    'sleep: no duration: give args[0] (seconds), seconds or duration_ms',
  );
}

export function sleepExecutor(options: SleepExecutorOptions = {}): Executor {
  return defineExecutor({
    name: options.name ?? 'sleep',
    provider: options.provider ?? 'sleep',
    async handle(task) {
      const ms = sleepDurationMs(task.component);
      task.log(`sleeping ${ms} ms`, 'info');
      await delay(ms, task.signal);
      return { slept_ms: ms };
    },
  });
}
