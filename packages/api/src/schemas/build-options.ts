// The options of a new build: the wrapped form of `POST /api/v1/builds` and the input of the
// tRPC `build.create` (design.md "REST API": `{graph, environment, simulate, policy, concurrency}`).
import { z } from 'zod';
import { anyGraphSchema } from './graph-formats';

export const FAILURE_POLICIES = ['fail-fast', 'continue'] as const;
export const failurePolicySchema = z.enum(FAILURE_POLICIES).meta({
  description: '`fail-fast` (default, Ernest): nothing new after a failure; `continue`: other branches go on',
});

export const environmentNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .meta({ description: "environment (Ernest's service) name" });

export const concurrencySchema = z
  .union([
    z.int().min(0).meta({ description: 'in-flight limit of the build (0 = unlimited)' }),
    z.strictObject({
      build: z.int().min(0).optional(),
      providers: z.record(z.string(), z.int().min(0)).optional(),
    }),
  ])
  .meta({ description: 'in-flight dispatch limits: a number for the build, or {build, providers}' });

/** Options around a graph; `graph` is checked by core (any accepted format). */
export const buildOptionsShape = {
  environment: environmentNameSchema.optional().meta({ description: "default: the graph's name" }),
  simulate: z
    .boolean()
    .optional()
    .meta({ description: 'rehearsal: the sim executor answers for every provider' }),
  policy: failurePolicySchema.optional(),
  concurrency: concurrencySchema.optional(),
};

/** The wrapped body as the REST handler and the services check it (unknown keys refused). */
export const wrappedBuildSchema = z.strictObject({
  graph: z.unknown().refine((value) => value !== undefined, 'graph is required'),
  ...buildOptionsShape,
});

/** The wrapped body as documented (graph in any format). */
export const wrappedBuildDocSchema = z
  .strictObject({ graph: anyGraphSchema, ...buildOptionsShape })
  .meta({ title: 'wrapped graph' });

export type BuildOptions = Omit<z.output<typeof wrappedBuildSchema>, 'graph'>;

/** `concurrency` in the store's form. */
export function normalizeConcurrency(
  value: z.output<typeof concurrencySchema> | undefined,
): { build?: number; providers?: Record<string, number> } | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'number' ? { build: value } : value;
}
