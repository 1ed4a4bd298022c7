/**
 * Every accepted graph format in and out of the internal `Graph`.
 *
 * Parsing checks structure only (types, required fields, gorch matrix shape): a graph with
 * unknown actions, dangling edges, cycles or duplicate ids parses, and `validateGraph`
 * reports those.
 */
import type { Graph, GraphFormat, ValidationIssue } from '../graph/model';
import { exportDot } from './dot';
import { type ErnestMapping, exportErnest, parseErnest } from './ernest';
import { exportGorch, type GorchTask, parseGorch } from './gorch';
import { exportNative, type OrdoNativeGraph, parseNative } from './native';
import { describeValue, type FormatParseResult, type GraphParseResult, isRecord } from './shape';

export { dotString, exportDot } from './dot';
export {
  ERNEST_COMPONENT_KEYS,
  type ErnestComponent,
  type ErnestEdge,
  type ErnestMapping,
  exportErnest,
  parseErnest,
  SYNTHETIC_NODES,
} from './ernest';
export {
  exportGorch,
  GORCH_COMPONENT_ACTION,
  GORCH_COMPONENT_TYPE,
  GORCH_STATE_OF,
  type GorchNode,
  type GorchTask,
  parseGorch,
} from './gorch';
export { jsonPath, pathKey } from './json-path';
export {
  exportNative,
  ORDO_NATIVE_VERSION,
  type OrdoComponent,
  type OrdoNativeGraph,
  type OrdoPolicy,
  parseNative,
} from './native';
export { type FormatParseResult, type GraphParseResult, INVALID_SHAPE } from './shape';

/** What `exportGraph` can write. */
export type ExportFormat = GraphFormat | 'dot';

/**
 * The format of a parsed JSON value: `ordo` when it has an `ordo` key; `gorch` when it has
 * `digraph` and `nodes`; `ernest` when it has `changes`, or both `components` and `edges`
 * (a mapping without edges is a graph of independent components).
 */
export function detectFormat(input: unknown): GraphFormat | undefined {
  if (!isRecord(input)) return undefined;
  if ('ordo' in input) return 'ordo';
  if ('digraph' in input && 'nodes' in input) return 'gorch';
  if ('changes' in input || ('components' in input && 'edges' in input)) return 'ernest';
  return undefined;
}

const PARSERS: Record<GraphFormat, (input: unknown) => FormatParseResult> = {
  ernest: parseErnest,
  gorch: parseGorch,
  ordo: parseNative,
};

/**
 * A graph from a parsed JSON value in any accepted format (detected unless `format` is
 * given), or every structural issue found (`invalid_shape`, `unknown_format`,
 * `unsupported_version`, `matrix_not_square`, `matrix_entry_not_binary`, `node_id_not_index`).
 * Prop values are the input's own objects, not copies: mutate neither afterwards.
 */
export function parseGraph(input: unknown, format?: GraphFormat): GraphParseResult {
  const detected = format ?? detectFormat(input);
  if (detected === undefined) {
    const issue: ValidationIssue = {
      code: 'unknown_format',
      message: isRecord(input)
        ? '$: not a graph in a known format: expected an Ordo native graph ({ordo: 1, …}), a gorch task ({digraph, nodes, …}) or an Ernest mapping ({changes, components, edges, …})'
        : `$: expected a graph object, received ${describeValue(input)}`,
      ids: [],
      path: '$',
    };
    return { ok: false, issues: [issue] };
  }
  const result = PARSERS[detected](input);
  return result.ok ? { ok: true, graph: result.graph, format: detected } : result;
}

export function exportGraph(graph: Graph, format: 'ernest'): ErnestMapping;
export function exportGraph(graph: Graph, format: 'gorch'): GorchTask;
export function exportGraph(graph: Graph, format: 'ordo'): OrdoNativeGraph;
export function exportGraph(graph: Graph, format: 'dot'): string;
export function exportGraph(
  graph: Graph,
  format: ExportFormat,
): ErnestMapping | GorchTask | OrdoNativeGraph | string;
export function exportGraph(
  graph: Graph,
  format: ExportFormat,
): ErnestMapping | GorchTask | OrdoNativeGraph | string {
  switch (format) {
    case 'ernest':
      return exportErnest(graph);
    case 'gorch':
      return exportGorch(graph);
    case 'ordo':
      return exportNative(graph);
    case 'dot':
      return exportDot(graph);
  }
}
