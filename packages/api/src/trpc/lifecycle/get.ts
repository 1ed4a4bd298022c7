import { procedure } from '../trpc';
import { getInputSchema, getOutputSchema } from './get.schema';

/** A type's lifecycle definition, the latest or one version (NOT_FOUND when there is none). */
export const get = procedure
  .input(getInputSchema)
  .output(getOutputSchema)
  .query(({ ctx, input }) => ctx.services.lifecycles.get(input.type, input.version));
