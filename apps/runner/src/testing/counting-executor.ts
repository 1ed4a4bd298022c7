// An executor that counts, per component, how often it really did the work. Used to check
// "done exactly once from the executor's point of view" across crashes and redeliveries.
import { appendFileSync } from 'node:fs';
import { defineExecutor, type Executor } from '@ordo/executors';

export function countingExecutor(options: {
  provider: string;
  workMs: number;
  ledger?: string;
  /** told when a task's work begins */
  onWork?: ((componentId: string) => void) | undefined;
}): {
  executor: Executor;
  counts: Map<string, number>;
} {
  const counts = new Map<string, number>();
  const executor = defineExecutor({
    name: `counting-${options.provider}`,
    provider: options.provider,
    async handle({ component, signal }) {
      options.onWork?.(String(component._component_id));
      await new Promise<void>((resolveWork, reject) => {
        const timer = setTimeout(resolveWork, options.workMs * (0.5 + Math.random()));
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
      const id = String(component._component_id);
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (options.ledger) appendFileSync(options.ledger, `${id}\n`);
      return { done_by: process.pid };
    },
  });
  return { executor, counts };
}
