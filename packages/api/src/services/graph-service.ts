// Graph definitions: validation without storing anything, and named, versioned saves in the
// Ordo-native format (what the editor saves and loads).
import {
  exportGraph,
  type GraphFormat,
  type OrdoNativeGraph,
  parseGraph,
  type ValidationIssue,
  validateGraph,
} from '@ordo/core';
import { type ApiConfig, servedProviders } from '../config';
import { NotFoundError, ValidationError } from '../errors';
import type { GraphDefinitionPort, StorePort } from './ports';

export interface GraphCheck {
  /** true when the graph may be run as it is */
  ok: boolean;
  /** the detected (or given) format, null when the input is not a graph in any format */
  format: GraphFormat | null;
  issues: ValidationIssue[];
  /** counts of the parsed graph, null when it did not parse */
  summary: { name: string; changes: number; current: number; edges: number } | null;
}

export interface SavedDefinition extends GraphDefinitionPort {
  /** validation problems of the saved graph: a draft is saved even when it could not run yet */
  issues: ValidationIssue[];
}

export class GraphService {
  readonly #store: StorePort;
  readonly #config: ApiConfig;

  constructor(options: { store: StorePort; config: ApiConfig }) {
    this.#store = options.store;
    this.#config = options.config;
  }

  /**
   * Every problem of a graph in any format, as a build would be checked (without the
   * environment's stored components, so an edge from one of them reads as unknown). Stores nothing.
   */
  validate(input: unknown, options: { simulate?: boolean; format?: GraphFormat } = {}): GraphCheck {
    const parsed = parseGraph(input, options.format);
    if (!parsed.ok) return { ok: false, format: null, issues: parsed.issues, summary: null };
    const served = servedProviders(this.#config);
    const issues = validateGraph(parsed.graph, {
      simulate: options.simulate ?? false,
      ...(served === undefined ? {} : { servedProviders: served }),
    });
    const { graph } = parsed;
    return {
      ok: issues.length === 0,
      format: parsed.format,
      issues,
      summary: {
        name: graph.name,
        changes: graph.changes.length,
        current: graph.current.length,
        edges: graph.edges.length,
      },
    };
  }

  /**
   * Saves a graph (any format) as the next version of `name` (default: the graph's name), in
   * the Ordo-native format. A graph that does not parse is refused (`ValidationError`); one
   * that parses is saved, and its validation problems are returned with it.
   */
  async save(input: unknown, name?: string): Promise<SavedDefinition> {
    const parsed = parseGraph(input);
    if (!parsed.ok) throw new ValidationError(parsed.issues);
    const graph = { ...parsed.graph, name: (name ?? parsed.graph.name).trim() };
    if (graph.name === '') {
      throw new ValidationError([
        {
          code: 'missing_name',
          message: 'a saved graph needs a name: the graph has none and no name was given',
          ids: [],
          path: '$',
        },
      ]);
    }
    const document: OrdoNativeGraph = exportGraph(graph, 'ordo');
    const saved = await this.#store.graphDefinitions.save(graph.name, document);
    return { ...saved, issues: validateGraph(graph) };
  }

  list(): Promise<readonly GraphDefinitionPort[]> {
    return this.#store.graphDefinitions.list();
  }

  /** One version of `name` (default: the latest); `NotFoundError` when there is none. */
  async get(name: string, version?: number): Promise<GraphDefinitionPort> {
    const found =
      version === undefined
        ? await this.#store.graphDefinitions.latest(name)
        : await this.#store.graphDefinitions.get(name, version);
    if (!found) {
      throw new NotFoundError(
        version === undefined
          ? `no graph definition named ${JSON.stringify(name)}`
          : `no version ${version} of graph definition ${JSON.stringify(name)}`,
      );
    }
    return found;
  }
}
