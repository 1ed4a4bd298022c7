import { callbackListFilterSchema, callbackListSchema } from '../../schemas/cloud';

export const listInputSchema = callbackListFilterSchema.default({});
export const listOutputSchema = callbackListSchema;
