// What the cloud service is told (runner env.ts reads it from the environment), with defaults.
import { type Allowlist, EMPTY_ALLOWLIST } from '@ordo/callbacks';

export interface CloudSettings {
  /** default poll interval (`ORDO_POLL_INTERVAL_MS`) */
  pollIntervalMs: number;
  /** poll interval per provider (`ORDO_POLL_INTERVALS=sim=2000,aws=60000`): the route's, else the graph provider's */
  pollIntervals: Readonly<Record<string, number>>;
  /** poll requests in flight at most (`ORDO_POLL_CONCURRENCY`) */
  pollConcurrency: number;
  /** a poll without an answer by then counts as failed (default 30 s; a resource has one poll in flight at most) */
  pollTimeoutMs: number;
  /** how often the set of resources to poll is read from the store again (default 5 s) */
  rescanMs: number;
  /** an action without an answer by then ends in `error` (default 10 min) */
  actionTimeoutMs: number;
  /** a lifecycle task without `timeout_ms` fails when it has no answer by then (default 5 min) */
  taskTimeoutMs: number;
  /** while a build runs, its completed components are tracked at most this often (default 2 s) */
  trackIntervalMs: number;
  /** builds re-synced on start, newest first (default 20) */
  recentBuilds: number;
  callbacks: CallbackSettings;
}

export interface CallbackSettings {
  /** `ORDO_CALLBACK_ALLOWLIST` */
  allowlist: Allowlist;
  /** attempts of one delivery before it is `failed` (`ORDO_CALLBACK_MAX_ATTEMPTS`) */
  maxAttempts: number;
  /** first retry delay; doubles per attempt, with jitter (`ORDO_CALLBACK_BACKOFF_MS`) */
  backoffMs: number;
  /** largest retry delay (10 min) */
  maxBackoffMs: number;
  /** one HTTP attempt, connect to last byte (`ORDO_CALLBACK_TIMEOUT_MS`) */
  timeoutMs: number;
  /** deliveries attempted at once */
  concurrency: number;
}

export const DEFAULT_CLOUD_SETTINGS: CloudSettings = {
  pollIntervalMs: 30_000,
  pollIntervals: {},
  pollConcurrency: 8,
  pollTimeoutMs: 30_000,
  rescanMs: 5_000,
  actionTimeoutMs: 10 * 60_000,
  taskTimeoutMs: 5 * 60_000,
  trackIntervalMs: 2_000,
  recentBuilds: 20,
  callbacks: {
    allowlist: EMPTY_ALLOWLIST,
    maxAttempts: 8,
    backoffMs: 1_000,
    maxBackoffMs: 10 * 60_000,
    timeoutMs: 10_000,
    concurrency: 8,
  },
};

/** Settings laid over the defaults (callbacks too, field by field). */
export type CloudSettingsInput = Partial<Omit<CloudSettings, 'callbacks'>> & {
  callbacks?: Partial<CallbackSettings>;
};

export function cloudSettings(input: CloudSettingsInput = {}): CloudSettings {
  const { callbacks, ...rest } = input;
  const defined = <T extends object>(o: T) =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return {
    ...DEFAULT_CLOUD_SETTINGS,
    ...defined(rest),
    callbacks: { ...DEFAULT_CLOUD_SETTINGS.callbacks, ...defined(callbacks ?? {}) },
  };
}

/** The poll interval of a resource: its route's, else its graph provider's, else the default. */
export function pollIntervalOf(
  settings: CloudSettings,
  resource: { route: string; provider: string },
): number {
  const { pollIntervals } = settings;
  if (Object.hasOwn(pollIntervals, resource.route))
    return pollIntervals[resource.route] ?? settings.pollIntervalMs;
  if (Object.hasOwn(pollIntervals, resource.provider))
    return pollIntervals[resource.provider] ?? settings.pollIntervalMs;
  return settings.pollIntervalMs;
}
