import { z } from 'zod';
import { lifecycleSavedSchema } from '../../schemas/cloud';

/** Core `parseLifecycle` checks the definition (every issue at once), not this schema. */
export const saveInputSchema = z.object({ definition: z.unknown() });
export const saveOutputSchema = lifecycleSavedSchema;
