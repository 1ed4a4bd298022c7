import { z } from 'zod';

export const definitionNameSchema = z.string().trim().min(1).max(200);

export const definitionSummarySchema = z.object({
  name: z.string(),
  version: z.number(),
  createdAt: z.number(),
});
