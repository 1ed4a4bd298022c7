import { z } from 'zod';
import { lifecycleListSchema } from '../../schemas/cloud';

export const listInputSchema = z.void();
export const listOutputSchema = lifecycleListSchema;
