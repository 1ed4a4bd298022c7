import { resourceActionSchema } from '@ordo/contracts';
import { z } from 'zod';
import { resourceIdSchema } from '../../schemas/cloud';

export const actionInputSchema = z.object({ id: resourceIdSchema, action: resourceActionSchema });
export const actionOutputSchema = z.object({ ok: z.literal(true) });
