// The runner's configuration: defaults, the cloud-state variables, and clear errors for bad values.
import { describe, expect, it } from 'vitest';
import { readEnv } from './env';

describe('readEnv', () => {
  it('has the documented defaults', () => {
    const env = readEnv({});
    expect(env.cloud).toMatchObject({
      pollIntervalMs: 30_000,
      pollIntervals: {},
      pollConcurrency: 8,
      callbacks: { maxAttempts: 8, backoffMs: 1_000, timeoutMs: 10_000 },
    });
    expect(env.cloud.callbacks.allowlist.entries).toEqual([]);
    expect(env.dispatchBudget).toBe(500);
    expect(readEnv({ ORDO_DISPATCH_BUDGET: '64' }).dispatchBudget).toBe(64);
  });

  it('reads per-provider poll intervals and the callback allow-list', () => {
    const env = readEnv({
      ORDO_POLL_INTERVAL_MS: '5000',
      ORDO_POLL_INTERVALS: 'sim=2000, aws=60000',
      ORDO_POLL_CONCURRENCY: '2',
      ORDO_CALLBACK_ALLOWLIST: '127.0.0.1,10.0.0.0/8',
      ORDO_CALLBACK_MAX_ATTEMPTS: '3',
    });
    expect(env.cloud.pollIntervalMs).toBe(5_000);
    expect(env.cloud.pollIntervals).toEqual({ sim: 2_000, aws: 60_000 });
    expect(env.cloud.pollConcurrency).toBe(2);
    expect(env.cloud.callbacks.allowlist.entries).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(env.cloud.callbacks.maxAttempts).toBe(3);
  });

  it('refuses bad values, naming the variable and the problem', () => {
    expect(() => readEnv({ ORDO_POLL_INTERVAL_MS: 'soon' })).toThrow(
      /invalid configuration: ORDO_POLL_INTERVAL_MS: must be a whole number/,
    );
    expect(() => readEnv({ ORDO_POLL_CONCURRENCY: '0' })).toThrow(
      /ORDO_POLL_CONCURRENCY: must be at least 1/,
    );
    expect(() => readEnv({ ORDO_POLL_INTERVALS: 'sim:2000' })).toThrow(
      /ORDO_POLL_INTERVALS: "sim:2000" is not <provider>=<ms>/,
    );
    expect(() => readEnv({ ORDO_POLL_INTERVALS: 'sim=5' })).toThrow(/at least 100 ms/);
    expect(() => readEnv({ ORDO_CALLBACK_ALLOWLIST: 'not a host!' })).toThrow(
      /ORDO_CALLBACK_ALLOWLIST: allow-list entry "not a host!"/,
    );
    expect(() => readEnv({ ORDO_CALLBACK_BACKOFF_MS: '-1' })).toThrow(/ORDO_CALLBACK_BACKOFF_MS/);
    expect(() => readEnv({ ORDO_DISPATCH_BUDGET: '0' })).toThrow(/ORDO_DISPATCH_BUDGET: must be at least 1/);
  });
});
