import { z } from 'zod';
import { buildIdSchema } from './get.schema';
import { logLineViewSchema } from './views';

export const logsInputSchema = z.object({
  id: buildIdSchema,
  componentId: z.string().min(1).optional(),
  limit: z.int().min(1).max(10_000).optional(),
});
export const logsOutputSchema = z.object({ lines: z.array(logLineViewSchema) });
