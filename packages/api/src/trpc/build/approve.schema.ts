import { z } from 'zod';
import { buildIdSchema } from './get.schema';

export const approveInputSchema = z.object({
  id: buildIdSchema,
  componentId: z.string().min(1),
});
export const approveOutputSchema = z.object({ ok: z.literal(true) });
