import { z } from 'zod';
import { buildIdSchema } from './get.schema';

export const retryInputSchema = z.object({
  id: buildIdSchema,
  componentId: z.string().min(1).optional(),
});
export const retryOutputSchema = z.object({ ok: z.literal(true) });
