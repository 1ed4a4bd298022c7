import { z } from 'zod';
import { graphInputSchema } from '../../schemas/graph-formats';
import { issueSchema } from '../../schemas/issue';
import { definitionNameSchema, definitionSummarySchema } from './definition.schema';

export const saveInputSchema = z.object({
  graph: graphInputSchema,
  /** default: the graph's own name */
  name: definitionNameSchema.optional(),
});
export const saveOutputSchema = definitionSummarySchema.extend({
  /** validation problems of the saved draft (it is saved all the same) */
  issues: z.array(issueSchema),
});
