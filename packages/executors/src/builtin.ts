// The executors Ordo ships: sim, nil, sleep, shell, http.
import { httpExecutor } from './http';
import { nilExecutor } from './nil';
import type { Executor } from './sdk';
import { shellExecutor } from './shell';
import { type SimAction, type SimLatency, simExecutor } from './sim';
import { sleepExecutor } from './sleep';

export interface BuiltinExecutorsOptions {
  /**
   * Providers the sim answers for besides `sim` (`SIMULATE_PROVIDERS=aws,azure`). `*` is
   * ignored here: the runner routes simulated builds to provider `sim`. A built-in provider
   * listed here (e.g. `shell`) is simulated instead of served for real.
   */
  simulateProviders?: readonly string[] | undefined;
  /** sim latency per component type in ms (`*`: any other), over the defaults */
  simLatency?: SimLatency | undefined;
  /** sim latency per action (start, stop, reboot, terminate) in ms, over the defaults */
  simActionLatency?: Partial<Record<SimAction, number>> | undefined;
}

/** Splits `SIMULATE_PROVIDERS` (`aws, azure` → `['aws', 'azure']`; `*` stays `*`). */
export function parseProviderList(value: string | undefined): string[] {
  return [
    ...new Set(
      (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter((p) => p !== ''),
    ),
  ];
}

/** One instance of each built-in executor, ready for `runExecutors`. */
export function builtinExecutors(options: BuiltinExecutorsOptions = {}): Executor[] {
  const simulated = [...new Set(options.simulateProviders ?? [])].filter((p) => p !== '*' && p !== 'sim');
  const real = [nilExecutor(), sleepExecutor(), shellExecutor(), httpExecutor()].filter(
    (ex) => !ex.providers.some((p) => simulated.includes(p)),
  );
  return [
    simExecutor({
      providers: simulated,
      ...(options.simLatency ? { latencyMs: options.simLatency } : {}),
      ...(options.simActionLatency ? { actionLatencyMs: options.simActionLatency } : {}),
    }),
    ...real,
  ];
}
