// The runner's configuration (design.md "Configuration"), read once and validated.
import { resolve } from 'node:path';
import { z } from 'zod';

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
  };
}
