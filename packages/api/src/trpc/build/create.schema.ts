import { z } from 'zod';
import { buildOptionsShape } from '../../schemas/build-options';
import { graphInputSchema } from '../../schemas/graph-formats';

export const createInputSchema = z.strictObject({ graph: graphInputSchema, ...buildOptionsShape });
export const createOutputSchema = z.object({ id: z.string() });
