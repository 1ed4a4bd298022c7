import { procedure } from '../trpc';
import { createInputSchema, createOutputSchema } from './create.schema';

/** Validates a graph and stores it as a pending build; the runner starts it. */
export const create = procedure
  .input(createInputSchema)
  .output(createOutputSchema)
  .mutation(({ ctx, input }) => ctx.services.builds.create(input, ctx.actor));
