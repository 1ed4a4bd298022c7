import { z } from 'zod';
import { buildIdSchema } from './get.schema';

export const actionsInputSchema = z.object({ id: buildIdSchema });
export const operatorActionViewSchema = z.object({
  /** epoch ms */
  at: z.number(),
  actor: z.string(),
  action: z.string(),
  componentId: z.string().nullable(),
  accepted: z.boolean(),
  /** why the runner refused it (when `accepted` is false) */
  reason: z.string().nullable(),
});
export const actionsOutputSchema = z.object({ actions: z.array(operatorActionViewSchema) });
