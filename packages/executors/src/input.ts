// Reading an executor's fields out of a dispatched component, with zod.
import { z } from 'zod';
import { ExecutorError } from './errors';

/** Parses the component's fields; throws `INVALID_INPUT` naming the executor and the problem. */
export function parseInput<S extends z.ZodType>(
  executor: string,
  schema: S,
  component: unknown,
): z.output<S> {
  const parsed = schema.safeParse(component);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join('.') : 'component'}: ${i.message}`)
      .join('; ');
    throw new ExecutorError('INVALID_INPUT', `${executor}: invalid input: ${problems}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** A scalar read as a string (gorch args and env values may be numbers or booleans). */
export const scalarString = z.union([z.string(), z.number(), z.boolean()]).transform((v) => String(v));

/** A finite, non-negative number, also from a numeric string (`"0.2"`). */
export const nonNegativeNumber = z
  .union([
    z.number(),
    z
      .string()
      .trim()
      .regex(/^[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?$/i, 'must be a number')
      .transform(Number),
  ])
  .pipe(z.number().finite().nonnegative());
