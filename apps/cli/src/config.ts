// Where Ordo is and who is asking: the CLI's whole configuration, from flags and environment.
import { hostname, userInfo } from 'node:os';
import { z } from 'zod';
import { UsageError } from './errors';

const urlSchema = z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' });
const portSchema = z.coerce
  .number({ error: 'expected a port number' })
  .int({ error: 'expected a port number' })
  .min(1, { error: 'expected a port number' })
  .max(65535, { error: 'expected a port number' });

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * Ordo's base URL: `--url`, else `ORDO_URL`, else `http://localhost:${PORT:-3000}` (the port
 * `npm start` serves on). Without a trailing `/`.
 */
export function resolveBaseUrl(flag: string | undefined, env: Env): string {
  const [value, source] =
    flag !== undefined
      ? [flag, '--url']
      : nonEmpty(env.ORDO_URL) !== undefined
        ? [env.ORDO_URL as string, 'ORDO_URL']
        : [`http://localhost:${port(env)}`, 'PORT'];
  const parsed = urlSchema.safeParse(value);
  if (!parsed.success)
    throw new UsageError(`invalid ${source} '${value}': ${parsed.error.issues[0]?.message}`);
  return parsed.data.replace(/\/+$/, '');
}

function port(env: Env): number {
  const raw = nonEmpty(env.PORT);
  if (raw === undefined) return 3000;
  const parsed = portSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`invalid PORT '${raw}': ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Ordo refuses a longer `Ordo-Actor`. */
const MAX_ACTOR_LENGTH = 200;

/** `Ordo-Actor`: `<user>@<hostname>`, as recorded with operator actions. */
export function actorName(env: Env): string {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry for this uid (some containers): fall back to the environment
  }
  return `${user || env.USER || env.LOGNAME || 'unknown'}@${hostname()}`.slice(0, MAX_ACTOR_LENGTH);
}

/** Colour on a terminal, unless `NO_COLOR` is set; `FORCE_COLOR` (not `0`) forces it. */
export function useColour(isTTY: boolean, env: Env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return isTTY;
}
