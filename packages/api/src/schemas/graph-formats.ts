// zod descriptions of the three graph formats (design.md "Formats accepted"). They document
// the request and answer bodies (OpenAPI) and type the tRPC inputs; the graph itself is checked
// by core's `parseGraph` + `validateGraph`, which report every problem with ids and JSON paths
// and stay fast at 100k components (a zod parse per component would not).
import { z } from 'zod';

/** An Ernest-form component: the reserved `_…` fields plus provider properties. */
export const ernestComponentSchema = z
  .looseObject({
    _component_id: z.string().meta({ description: 'unique id, `<type>::<name>` by convention' }),
    _component: z.string().meta({ description: 'type, e.g. `vpc`' }),
    _action: z.string().meta({ description: 'create, update, delete, get, find or none' }),
    _provider: z.string().meta({ description: 'provider, e.g. `aws`, `sim`' }),
    _state: z.string().optional().meta({ description: 'imported state, kept as history only' }),
  })
  .meta({ description: 'component; other fields are provider properties (strings may hold templates)' });

export const edgeSchema = z
  .object({
    source: z.string(),
    destination: z.string(),
  })
  .meta({ description: '`destination` runs only after `source` completed' });

export const ernestMappingSchema = z
  .looseObject({
    id: z.string().optional().meta({ description: 'graph name; the default environment' }),
    action: z.string().optional(),
    edges: z.array(edgeSchema.extend({ length: z.number().optional() })).optional(),
    components: z.array(ernestComponentSchema).optional().meta({ description: 'current state' }),
    changes: z.array(ernestComponentSchema).optional().meta({ description: 'desired state: what runs' }),
  })
  .meta({ title: 'Ernest mapping' });

export const gorchNodeSchema = z.object({
  id: z.int().meta({ description: 'index of the node in `nodes`' }),
  name: z.string(),
  engine: z.string().meta({ description: 'executor: nil, sleep, shell, http, …' }),
  artifact: z.string(),
  args: z.array(z.string()),
  state: z.int().meta({ description: 'gorchestrator state: 0 initial … 3 success, 4 failure, 11 canceled' }),
});

export const gorchTaskSchema = z
  .object({
    name: z.string(),
    state: z.int(),
    digraph: z.array(z.int()).meta({ description: 'n×n flat 0/1 matrix; [i*n+j] = 1: i before j' }),
    nodes: z.array(gorchNodeSchema),
  })
  .meta({ title: 'gorch task' });

/** The gorch body as accepted (state and node states optional, as gorchestrator allows). */
export const gorchTaskInputSchema = z
  .looseObject({
    name: z.string().optional(),
    state: z.int().optional(),
    digraph: z.array(z.int()),
    nodes: z.array(
      gorchNodeSchema.partial({ engine: true, artifact: true, args: true, state: true }).loose(),
    ),
  })
  .meta({ title: 'gorch task' });

export const ordoComponentSchema = ernestComponentSchema.extend({
  _policy: z
    .object({
      attempts: z.int().min(1).optional(),
      backoff_ms: z.number().min(0).optional(),
      max_backoff_ms: z.number().min(0).optional(),
      timeout_ms: z.number().positive().optional(),
      gate: z.boolean().optional(),
    })
    .optional(),
  _position: z.object({ x: z.number(), y: z.number() }).optional(),
});

export const ordoNativeSchema = z
  .looseObject({
    ordo: z.literal(1),
    name: z.string(),
    action: z.string().optional(),
    components: z.array(ordoComponentSchema).optional(),
    changes: z.array(ordoComponentSchema).optional(),
    edges: z.array(edgeSchema).optional(),
  })
  .meta({ title: 'Ordo native graph' });

/** A graph in any accepted format (documentation and typing; `parseGraph` does the checking). */
export const anyGraphSchema = z
  .union([ordoNativeSchema, gorchTaskInputSchema, ernestMappingSchema])
  .meta({ description: 'a graph: Ordo native, gorch task or Ernest mapping (detected)' });

/** What a tRPC input accepts as a graph: any JSON object, checked by core. */
export const graphInputSchema = z
  .record(z.string(), z.unknown())
  .meta({ description: 'a graph in any accepted format (Ordo native, gorch, Ernest mapping)' });

export const EXPORT_FORMATS = ['ernest', 'gorch', 'ordo', 'dot'] as const;
export const exportFormatSchema = z.enum(EXPORT_FORMATS);
