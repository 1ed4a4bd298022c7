import { z } from 'zod';
import { graphInputSchema } from '../../schemas/graph-formats';
import { issueSchema } from '../../schemas/issue';

export const validateInputSchema = z.object({
  graph: graphInputSchema,
  /** a rehearsal: providers need no executor */
  simulate: z.boolean().optional(),
});
export const validateOutputSchema = z.object({
  ok: z.boolean(),
  format: z.enum(['ernest', 'gorch', 'ordo']).nullable(),
  issues: z.array(issueSchema),
  summary: z
    .object({ name: z.string(), changes: z.number(), current: z.number(), edges: z.number() })
    .nullable(),
});
