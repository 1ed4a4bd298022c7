// The web server's environment, parsed once with zod (design.md "Configuration"). Server only.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { apiEnvShape } from '@ordo/api';
import { z } from 'zod';

const optional = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

const envSchema = z.object({
  ...apiEnvShape,
  /** SQLite file, embedded NATS store, executor state; relative = from the repository root */
  ORDO_DATA_DIR: z.preprocess((value) => (value === '' ? undefined : value), z.string().default('data')),
  /** the store; unset = `file:<ORDO_DATA_DIR>/ordo.db` */
  DATABASE_URL: optional,
  /** set by scripts/launch.mjs; unset = the embedded server's default port on this machine */
  NATS_URL: optional,
  NATS_PORT: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.coerce.number().int().default(4222),
  ),
  NATS_USER: optional,
  NATS_PASSWORD: optional,
});

export interface ServerEnv extends Omit<z.output<typeof envSchema>, 'NATS_URL' | 'NATS_PORT'> {
  /** absolute */
  ORDO_DATA_DIR: string;
  NATS_URL: string;
}

let parsed: ServerEnv | undefined;

/** The parsed environment; throws naming every invalid variable. */
export function serverEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  if (parsed && source === process.env) return parsed;
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new Error(`invalid environment for the Ordo web server:\n${z.prettifyError(result.error)}`);
  }
  const { NATS_PORT, NATS_URL, ORDO_DATA_DIR, ...rest } = result.data;
  const env: ServerEnv = {
    ...rest,
    ORDO_DATA_DIR: resolve(repositoryRoot(), ORDO_DATA_DIR),
    NATS_URL: NATS_URL ?? `nats://127.0.0.1:${NATS_PORT}`,
  };
  if (source === process.env) parsed = env;
  return env;
}

/** The workspace root (holding pnpm-workspace.yaml), as scripts/launch.mjs and the store CLI use it. */
function repositoryRoot(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(resolve(dir, 'pnpm-workspace.yaml'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
