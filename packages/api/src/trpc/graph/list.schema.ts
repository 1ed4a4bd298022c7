import { z } from 'zod';
import { definitionSummarySchema } from './definition.schema';

export const listInputSchema = z.void();
export const listOutputSchema = z.object({ definitions: z.array(definitionSummarySchema) });
