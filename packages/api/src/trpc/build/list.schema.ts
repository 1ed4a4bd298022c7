import { BUILD_STATUSES, type BuildStatus } from '@ordo/core';
import { z } from 'zod';
import { buildListItemViewSchema } from './views';

export const buildStatusSchema = z.enum(BUILD_STATUSES as [BuildStatus, ...BuildStatus[]]);

export const listInputSchema = z
  .object({
    environment: z.string().min(1).max(200).optional(),
    status: z.array(buildStatusSchema).optional(),
    limit: z.int().min(1).max(1000).default(100),
    /** only builds created before this time (epoch ms): the next page */
    before: z.number().optional(),
  })
  .default({ limit: 100 });
export const listOutputSchema = z.object({ builds: z.array(buildListItemViewSchema) });
