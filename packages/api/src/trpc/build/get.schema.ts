import { z } from 'zod';
import { buildViewSchema } from './views';

export const buildIdSchema = z.string().min(1).max(200);
export const getInputSchema = z.object({ id: buildIdSchema });
export const getOutputSchema = buildViewSchema;
