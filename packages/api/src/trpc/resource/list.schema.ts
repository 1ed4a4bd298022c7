import { resourceListFilterSchema, resourceListSchema } from '../../schemas/cloud';

/** Filters, all optional; the UI loads every resource and filters as it follows live changes. */
export const listInputSchema = resourceListFilterSchema.default({});
export const listOutputSchema = resourceListSchema;
