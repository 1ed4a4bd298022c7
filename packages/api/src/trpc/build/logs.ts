import { procedure } from '../trpc';
import { logsInputSchema, logsOutputSchema } from './logs.schema';
import { logLineView } from './views';

/** Log lines executors sent for the build (or one component). */
export const logs = procedure
  .input(logsInputSchema)
  .output(logsOutputSchema)
  .query(async ({ ctx, input }) => {
    const lines = await ctx.services.builds.logs(input.id, input.componentId, input.limit);
    return { lines: lines.map(logLineView) };
  });
