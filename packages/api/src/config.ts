// The API's settings and the environment variables they come from (design.md "Configuration").
// A process parses its whole environment once, in its own `env.ts` (apps/web/src/server/env.ts),
// composing `apiEnvShape`; the services take the resulting `ApiConfig`.
import { DEFAULT_EXEC_PREFIX } from '@ordo/bus';
import { type Allowlist, EMPTY_ALLOWLIST, parseAllowlist } from '@ordo/callbacks';
import { z } from 'zod';

/** Providers some built-in executor serves (design.md "Processes and components"). */
export const BUILT_IN_PROVIDERS: readonly string[] = ['nil', 'sleep', 'shell', 'http', 'sim'];

export const DEFAULT_MAX_BODY_BYTES = 5_242_880;

/** How long an operator action waits for the runner's answer. */
export const DEFAULT_CONTROL_TIMEOUT_MS = 5_000;

export interface ApiConfig {
  /**
   * Providers the `sim` executor answers for besides the built-in ones (`SIMULATE_PROVIDERS`);
   * `'*'` = every provider (nothing is `unserved_provider`).
   */
  simulateProviders: readonly string[] | '*';
  /** largest accepted request body in bytes (`ORDO_MAX_BODY_BYTES`) */
  maxBodyBytes: number;
  /** time limit of an operator action's NATS request */
  controlTimeoutMs: number;
  /**
   * hosts and CIDRs callbacks may reach although they are loopback or private
   * (`ORDO_CALLBACK_ALLOWLIST`); empty = public addresses only
   */
  callbackAllowlist: Allowlist;
  /** prefix of dispatch/result subjects (`ORDO_SUBJECT_PREFIX`): NATS callbacks must stay out of them */
  subjectPrefix: string;
}

export const defaultApiConfig: ApiConfig = {
  simulateProviders: [],
  maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
  controlTimeoutMs: DEFAULT_CONTROL_TIMEOUT_MS,
  callbackAllowlist: EMPTY_ALLOWLIST,
  subjectPrefix: DEFAULT_EXEC_PREFIX,
};

/** `aws,azure` → ['aws', 'azure']; `*` (alone or in the list) → '*'; empty → []. */
export const simulateProvidersSchema = z
  .string()
  .optional()
  .transform((value): readonly string[] | '*' => {
    const list = (value ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p.length > 0);
    return list.includes('*') ? '*' : list;
  });

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

/** The API's environment variables, for a process's `env.ts` to compose. */
export const apiEnvShape = {
  SIMULATE_PROVIDERS: simulateProvidersSchema,
  ORDO_MAX_BODY_BYTES: z.preprocess(
    emptyAsUndefined,
    z.coerce.number().int().positive().default(DEFAULT_MAX_BODY_BYTES),
  ),
  /** `127.0.0.1,10.0.0.0/8,hooks.internal`: checked here, so a typo stops the process at start */
  ORDO_CALLBACK_ALLOWLIST: z
    .string()
    .optional()
    .transform((value, ctx): Allowlist => {
      try {
        return parseAllowlist(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** empty = Ernest-style bare subjects (not the default) */
  ORDO_SUBJECT_PREFIX: z.string().default(DEFAULT_EXEC_PREFIX),
};

export const apiEnvSchema = z.object(apiEnvShape);
export type ApiEnv = z.output<typeof apiEnvSchema>;

export function apiConfigFromEnv(env: ApiEnv): ApiConfig {
  return {
    simulateProviders: env.SIMULATE_PROVIDERS,
    maxBodyBytes: env.ORDO_MAX_BODY_BYTES,
    controlTimeoutMs: DEFAULT_CONTROL_TIMEOUT_MS,
    callbackAllowlist: env.ORDO_CALLBACK_ALLOWLIST,
    subjectPrefix: env.ORDO_SUBJECT_PREFIX,
  };
}

/** Providers that pass validation when not simulating; undefined = all (`SIMULATE_PROVIDERS=*`). */
export function servedProviders(config: ApiConfig): ReadonlySet<string> | undefined {
  if (config.simulateProviders === '*') return undefined;
  return new Set([...BUILT_IN_PROVIDERS, ...config.simulateProviders]);
}
