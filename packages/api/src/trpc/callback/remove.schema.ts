import { z } from 'zod';
import { callbackIdSchema, deletedSchema } from '../../schemas/cloud';

export const removeInputSchema = z.object({ id: callbackIdSchema });
export const removeOutputSchema = deletedSchema;
