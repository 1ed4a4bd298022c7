// The runner's configuration (design.md "Configuration"), read once and validated.
import { resolve } from 'node:path';
import { type Allowlist, parseAllowlist } from '@ordo/callbacks';
import { z } from 'zod';

/** A whole number from an environment variable, at least `min`. */
const whole = (min: number, fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`))
    .optional()
    .transform((v) => v ?? fallback);

/** `sim=2000,aws=60000` → { sim: 2000, aws: 60000 } (ms, each at least 100). */
const pollIntervals = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const out: Record<string, number> = {};
    for (const entry of text.split(',').map((e) => e.trim())) {
      if (entry === '') continue;
      const match = /^([A-Za-z0-9_-]+)=(\d+)$/.exec(entry);
      const ms = Number(match?.[2]);
      if (!match?.[1] || !(ms >= 100)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not <provider>=<ms> with at least 100 ms (e.g. sim=2000,aws=60000)`,
        });
        return z.NEVER;
      }
      out[match[1]] = ms;
    }
    return out;
  });

const allowlist = z
  .string()
  .default('')
  .transform((text, ctx): Allowlist => {
    try {
      return parseAllowlist(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const schema = z.object({
  ORDO_DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  NATS_USER: z.string().optional(),
  NATS_PASSWORD: z.string().optional(),
  ORDO_SUBJECT_PREFIX: z.string().default('ordo.exec.'),
  SIMULATE_PROVIDERS: z.string().default(''),
  /** `builtin` runs sim/shell/http/nil/sleep in this process; `none` leaves executors to other processes */
  ORDO_EXECUTORS: z.enum(['builtin', 'none']).default('builtin'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** dispatches one scheduler step makes at most; a wider wave goes out in parts (runner.ts) */
  ORDO_DISPATCH_BUDGET: whole(1, 500),
  /** how often a tracked resource is polled (ms) */
  ORDO_POLL_INTERVAL_MS: whole(100, 30_000),
  /** per provider, over ORDO_POLL_INTERVAL_MS: `sim=2000,aws=60000` */
  ORDO_POLL_INTERVALS: pollIntervals,
  /** poll requests in flight at most */
  ORDO_POLL_CONCURRENCY: whole(1, 8),
  /** hosts or CIDRs that callbacks may reach although they are loopback/private */
  ORDO_CALLBACK_ALLOWLIST: allowlist,
  /** attempts of one callback delivery before it counts as failed */
  ORDO_CALLBACK_MAX_ATTEMPTS: whole(1, 8),
  /** first retry delay of a callback delivery (ms); doubles per attempt, with jitter, up to 10 min */
  ORDO_CALLBACK_BACKOFF_MS: whole(1, 1_000),
  /** time limit of one callback attempt (ms) */
  ORDO_CALLBACK_TIMEOUT_MS: whole(100, 10_000),
});

export interface RunnerEnv {
  dataDir: string;
  databaseUrl: string;
  natsUrl: string;
  natsUser: string | undefined;
  natsPassword: string | undefined;
  prefix: string;
  /** providers the sim answers for besides `sim`; `*` = route every simulated provider to sim */
  simulateProviders: string[];
  executors: 'builtin' | 'none';
  logLevel: string;
  dispatchBudget: number;
  cloud: {
    pollIntervalMs: number;
    pollIntervals: Record<string, number>;
    pollConcurrency: number;
    callbacks: { allowlist: Allowlist; maxAttempts: number; backoffMs: number; timeoutMs: number };
  };
}

export function readEnv(source: NodeJS.ProcessEnv = process.env): RunnerEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const env = parsed.data;
  const dataDir = resolve(env.ORDO_DATA_DIR);
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL ?? `file:${resolve(dataDir, 'ordo.db')}`,
    natsUrl: env.NATS_URL,
    natsUser: env.NATS_USER,
    natsPassword: env.NATS_PASSWORD,
    prefix: env.ORDO_SUBJECT_PREFIX,
    simulateProviders: env.SIMULATE_PROVIDERS.split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0),
    executors: env.ORDO_EXECUTORS,
    logLevel: env.LOG_LEVEL,
    dispatchBudget: env.ORDO_DISPATCH_BUDGET,
    cloud: {
      pollIntervalMs: env.ORDO_POLL_INTERVAL_MS,
      pollIntervals: env.ORDO_POLL_INTERVALS,
      pollConcurrency: env.ORDO_POLL_CONCURRENCY,
      callbacks: {
        allowlist: env.ORDO_CALLBACK_ALLOWLIST,
        maxAttempts: env.ORDO_CALLBACK_MAX_ATTEMPTS,
        backoffMs: env.ORDO_CALLBACK_BACKOFF_MS,
        timeoutMs: env.ORDO_CALLBACK_TIMEOUT_MS,
      },
    },
  };
}
