import { procedure } from '../trpc';
import { exportInputSchema, exportOutputSchema } from './export.schema';

/** The build's graph, with component states and outputs, as Ernest, gorch, Ordo native or DOT. */
export const exportBuild = procedure
  .input(exportInputSchema)
  .output(exportOutputSchema)
  .query(({ ctx, input }) => ctx.services.builds.export(input.id, input.format));
