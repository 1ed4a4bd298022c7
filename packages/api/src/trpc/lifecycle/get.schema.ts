import { z } from 'zod';
import { lifecycleTypeSchema, lifecycleViewSchema } from '../../schemas/cloud';

export const getInputSchema = z.object({
  type: lifecycleTypeSchema,
  /** default: the latest */
  version: z.int().min(1).optional(),
});
export const getOutputSchema = lifecycleViewSchema;
