import { z } from 'zod';

export const listInputSchema = z.void();
export const environmentViewSchema = z.object({
  name: z.string(),
  /** components in its current state */
  components: z.number(),
  /** when its latest build was created (epoch ms), null = never */
  lastBuildAt: z.number().nullable(),
});
export const listOutputSchema = z.object({ environments: z.array(environmentViewSchema) });
