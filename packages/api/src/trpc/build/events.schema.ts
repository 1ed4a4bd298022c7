import { z } from 'zod';
import { buildIdSchema } from './get.schema';
import { eventViewSchema } from './views';

export const eventsInputSchema = z.object({
  id: buildIdSchema,
  /** events with a higher seq than this (0 = from the start) */
  since: z.int().min(0).default(0),
  limit: z.int().min(1).max(10_000).default(1000),
});
export const eventsOutputSchema = z.object({ events: z.array(eventViewSchema) });
