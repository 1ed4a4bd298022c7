import { z } from 'zod';
import { buildIdSchema } from './get.schema';

export const skipInputSchema = z.object({
  id: buildIdSchema,
  componentId: z.string().min(1),
});
export const skipOutputSchema = z.object({ ok: z.literal(true) });
