import { z } from 'zod';
import { buildIdSchema } from './get.schema';

export const cancelInputSchema = z.object({
  id: buildIdSchema,
  componentId: z.string().min(1).optional(),
});
export const cancelOutputSchema = z.object({ ok: z.literal(true) });
