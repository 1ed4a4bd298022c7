import { z } from 'zod';
import { definitionNameSchema, definitionSummarySchema } from './definition.schema';

export const getInputSchema = z.object({
  name: definitionNameSchema,
  /** default: the latest */
  version: z.int().min(1).optional(),
});
export const getOutputSchema = definitionSummarySchema.extend({
  /** the Ordo-native document as saved */
  document: z.record(z.string(), z.unknown()),
});
