import { z } from 'zod';

/** One problem (core `ValidationIssue`): REST error `details` items and tRPC `data.issues`. */
export const issueSchema = z
  .object({
    code: z
      .string()
      .meta({ description: 'stable machine-readable code, e.g. `cycle`, `unknown_edge_component`' }),
    message: z.string().meta({ description: 'a sentence for a person, naming the ids' }),
    ids: z.array(z.string()).meta({ description: 'component ids concerned (a cycle: in order)' }),
    path: z.string().meta({ description: 'JSON path into the body, e.g. `$.edges[3].destination`' }),
  })
  .meta({ title: 'Issue' });
