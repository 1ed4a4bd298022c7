import { procedure } from '../trpc';
import { validateInputSchema, validateOutputSchema } from './validate.schema';

/** Every problem of a graph in any format; stores nothing. */
export const validate = procedure
  .input(validateInputSchema)
  .output(validateOutputSchema)
  .mutation(({ ctx, input }) =>
    ctx.services.graphs.validate(
      input.graph,
      input.simulate === undefined ? {} : { simulate: input.simulate },
    ),
  );
