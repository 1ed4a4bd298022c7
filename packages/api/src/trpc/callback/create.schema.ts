import { callbackCreatedSchema, createCallbackBodySchema } from '../../schemas/cloud';

/** The body of `POST /api/v1/callbacks`: one target, one destination, optional states. */
export const createInputSchema = createCallbackBodySchema;
/** `secret` is answered here only */
export const createOutputSchema = callbackCreatedSchema;
