import { z } from 'zod';
import { exportFormatSchema } from '../../schemas/graph-formats';
import { buildIdSchema } from './get.schema';

export const exportInputSchema = z.object({ id: buildIdSchema, format: exportFormatSchema });
export const exportOutputSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('dot'), content: z.string() }),
  z.object({ format: z.enum(['ernest', 'gorch', 'ordo']), content: z.record(z.string(), z.unknown()) }),
]);
