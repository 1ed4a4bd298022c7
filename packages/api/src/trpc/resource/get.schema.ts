import { z } from 'zod';
import { resourceDetailSchema, resourceIdSchema } from '../../schemas/cloud';

export const getInputSchema = z.object({ id: resourceIdSchema });
export const getOutputSchema = resourceDetailSchema;
