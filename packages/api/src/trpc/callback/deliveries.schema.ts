import { z } from 'zod';
import { callbackIdSchema, deliveryListSchema } from '../../schemas/cloud';

export const deliveriesInputSchema = z.object({ id: callbackIdSchema });
export const deliveriesOutputSchema = deliveryListSchema;
