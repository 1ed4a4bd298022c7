// Builds: create (parse, validate, store, tell the runner), read, and operator actions sent to
// the runner over NATS (design.md "Scheduling semantics" → Operator actions, "REST API").
import { randomUUID } from 'node:crypto';
import { type BusLogger, controlSubject } from '@ordo/bus';
import { controlCommandSchema, type OperatorAction } from '@ordo/contracts';
import {
  type BuildEvent,
  detectFormat,
  type ExportFormat,
  exportGraph,
  type Graph,
  type GraphFormat,
  parseGraph,
  type ValidationIssue,
  validateGraph,
} from '@ordo/core';
import { type ApiConfig, servedProviders } from '../config';
import { InvalidRequestError, NotFoundError, ValidationError } from '../errors';
import {
  type BuildOptions,
  environmentNameSchema,
  normalizeConcurrency,
  wrappedBuildSchema,
} from '../schemas/build-options';
import { parseRequest } from '../zod-issues';
import { askRunner } from './ask-runner';
import { componentOfRecord, graphFromSnapshot } from './graph-from-snapshot';
import {
  type BuildListFilter,
  type BuildSnapshotPort,
  type BuildSummaryPort,
  type BusProvider,
  type Clock,
  type LogLinePort,
  type OperatorActionPort,
  type StorePort,
  systemClock,
} from './ports';

export interface BuildServiceOptions {
  store: StorePort;
  bus: BusProvider;
  config: ApiConfig;
  clock?: Clock;
  logger?: BusLogger;
  /** build ids (default `crypto.randomUUID`) */
  newId?: () => string;
}

export interface CreateBuildOptions {
  /** read the graph as this format instead of detecting it (the gorch-compatible API) */
  format?: GraphFormat;
  /** size of the body as received, checked against `ORDO_MAX_BODY_BYTES` by validation */
  inputBytes?: number;
}

export interface ActionRequest {
  action: OperatorAction;
  /** absent: the whole build (retry from failure, cancel the build) */
  componentId?: string | undefined;
}

export type ExportResult =
  | { format: 'dot'; content: string }
  | { format: Exclude<ExportFormat, 'dot'>; content: Record<string, unknown> };

export class BuildService {
  readonly #store: StorePort;
  readonly #bus: BusProvider;
  readonly #config: ApiConfig;
  readonly #clock: Clock;
  readonly #logger: BusLogger | undefined;
  readonly #newId: () => string;

  constructor(options: BuildServiceOptions) {
    this.#store = options.store;
    this.#bus = options.bus;
    this.#config = options.config;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger;
    this.#newId = options.newId ?? randomUUID;
  }

  /**
   * Accepts a graph in any format, or wrapped as `{graph, environment, simulate, policy,
   * concurrency}`; validates it against the environment's current state and stores it as a
   * pending build, then tells the runners (`created` on its control subject). Throws
   * `ValidationError` (nothing stored) or `InvalidRequestError` (a malformed wrapper).
   */
  async create(body: unknown, actor: string, options: CreateBuildOptions = {}): Promise<{ id: string }> {
    const { graphInput, buildOptions, base } = splitBody(body, options.format);
    const parsed = parseGraph(graphInput, options.format);
    if (!parsed.ok) throw new ValidationError(rebase(parsed.issues, base));
    const { graph } = parsed;

    const environment = buildOptions.environment ?? graph.name.trim();
    const envCheck = environmentNameSchema.safeParse(environment);
    if (!envCheck.success) {
      throw new ValidationError([
        {
          code: 'invalid_environment',
          message:
            environment === ''
              ? 'no environment: the graph has no name and the body gives no "environment"'
              : `environment name ${JSON.stringify(environment.slice(0, 60))} is invalid: 1 to 200 characters`,
          ids: [],
          path: base === '$' ? '$' : '$.environment',
        },
      ]);
    }

    await this.#mergeCurrent(graph, environment);
    const simulate = buildOptions.simulate ?? false;
    const issues = validateGraph(graph, {
      simulate,
      ...providersOption(this.#config),
      maxBytes: this.#config.maxBodyBytes,
      ...(options.inputBytes === undefined ? {} : { inputBytes: options.inputBytes }),
    });
    if (issues.length > 0) throw new ValidationError(rebase(issues, base));

    const id = this.#newId();
    const concurrency = normalizeConcurrency(buildOptions.concurrency);
    await this.#store.builds.create({
      id,
      environment,
      graph,
      policy: buildOptions.policy ?? 'fail-fast',
      ...(concurrency ? { concurrency } : {}),
      simulate,
      seed: randomSeed(),
      createdAt: this.#clock.now(),
      actor,
    });
    await this.#announce(id);
    return { id };
  }

  /** The build as stored; `NotFoundError` when there is none. */
  async get(id: string): Promise<BuildSnapshotPort> {
    const snapshot = await this.#store.builds.snapshot(id);
    if (!snapshot) throw notFound(id);
    return snapshot;
  }

  list(filter: BuildListFilter = {}): Promise<readonly BuildSummaryPort[]> {
    return this.#store.builds.list(filter);
  }

  /** Events with `seq > since`, oldest first. */
  async events(id: string, since: number, limit?: number): Promise<readonly BuildEvent[]> {
    const events = await this.#store.builds.events(id, since, limit);
    if (events.length === 0) await this.#assertExists(id);
    return events;
  }

  async logs(id: string, componentId?: string, limit?: number): Promise<readonly LogLinePort[]> {
    const lines = await this.#store.logs.list(id, componentId, limit);
    if (lines.length === 0) await this.#assertExists(id);
    return lines;
  }

  /** Operator actions on the build, accepted or refused (who, what, when, why refused). */
  async actions(id: string): Promise<readonly OperatorActionPort[]> {
    const actions = await this.#store.builds.actions(id);
    if (actions.length === 0) await this.#assertExists(id);
    return actions;
  }

  /**
   * Asks the runner to carry out an operator action and waits for its answer (it persists
   * the outcome first). `NotFoundError` for an unknown build or component, `NotAllowedError`
   * with the runner's reason, `RunnerUnavailableError` when no runner answers in time.
   */
  async action(id: string, request: ActionRequest, actor: string): Promise<{ ok: true }> {
    const { action, componentId } = request;
    if ((action === 'skip' || action === 'approve') && componentId === undefined) {
      throw new InvalidRequestError(`${action} needs a component`, [
        {
          code: 'invalid_request',
          message: `$.component: ${action} needs a component id`,
          ids: [],
          path: '$.component',
        },
      ]);
    }
    await this.#assertExists(id);
    await askRunner(this.#bus, {
      subject: controlSubject(id),
      schema: controlCommandSchema,
      command: { kind: 'action', action, actor, ...(componentId === undefined ? {} : { componentId }) },
      timeoutMs: this.#config.controlTimeoutMs,
      about: `build ${id}`,
    });
    return { ok: true };
  }

  /** The build's graph (with component states and outputs) in one of the export formats. */
  async export(id: string, format: ExportFormat): Promise<ExportResult> {
    const graph = await this.graph(id);
    if (format === 'dot') return { format, content: exportGraph(graph, 'dot') };
    return { format, content: exportGraph(graph, format) as unknown as Record<string, unknown> };
  }

  /** The build rebuilt as a core graph, and its snapshot. */
  async graph(id: string): Promise<Graph>;
  async graph(id: string, withSnapshot: true): Promise<{ graph: Graph; snapshot: BuildSnapshotPort }>;
  async graph(
    id: string,
    withSnapshot = false,
  ): Promise<Graph | { graph: Graph; snapshot: BuildSnapshotPort }> {
    const snapshot = await this.get(id);
    const current = await this.#store.environments.current(snapshot.environment);
    const graph = graphFromSnapshot(snapshot, current);
    return withSnapshot ? { graph, snapshot } : graph;
  }

  /** Adds the environment's stored components to `graph.current`; the upload's own win. */
  async #mergeCurrent(graph: Graph, environment: string): Promise<void> {
    const stored = await this.#store.environments.current(environment);
    if (stored.length === 0) return;
    const present = new Set(graph.current.map((c) => c.id));
    for (const record of stored) {
      const component = componentOfRecord(record);
      if (component.id === '' || present.has(component.id)) continue;
      present.add(component.id);
      graph.current.push(component);
    }
  }

  async #assertExists(id: string): Promise<void> {
    // The store has no cheaper existence check yet; a snapshot reads the build's components too.
    if (!(await this.#store.builds.snapshot(id))) throw notFound(id);
  }

  /** A plain publish: the runner also scans the store for pending builds when it starts. */
  async #announce(id: string): Promise<void> {
    try {
      const bus = await this.#bus();
      bus.publish(controlSubject(id), controlCommandSchema, { kind: 'created' });
    } catch (err) {
      this.#logger?.warn(
        { build: id, err: (err as Error).message },
        'build stored, but "created" could not be published; a runner picks it up when it scans the store',
      );
    }
  }
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`no build ${JSON.stringify(id)}`);
}

/**
 * The graph and options of a create body. A body is wrapped when it has a `graph` key and is
 * not itself a graph in a known format. `base` is the JSON path of the graph in the body.
 */
function splitBody(
  body: unknown,
  format: GraphFormat | undefined,
): { graphInput: unknown; buildOptions: BuildOptions; base: string } {
  const wrapped =
    format === undefined &&
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    'graph' in body &&
    detectFormat(body) === undefined;
  if (!wrapped) return { graphInput: body, buildOptions: {}, base: '$' };
  const { graph, ...buildOptions } = parseRequest(wrappedBuildSchema, body, '$', 'build options');
  return { graphInput: graph, buildOptions, base: '$.graph' };
}

/** Issue paths relative to the body: `$.changes[0]` of a wrapped graph is `$.graph.changes[0]`. */
function rebase(issues: ValidationIssue[], base: string): ValidationIssue[] {
  if (base === '$') return issues;
  return issues.map((issue) => {
    const path = base + issue.path.slice(1);
    const message = issue.message.startsWith(issue.path)
      ? path + issue.message.slice(issue.path.length)
      : issue.message;
    return { ...issue, path, message };
  });
}

function providersOption(config: ApiConfig): { servedProviders?: ReadonlySet<string> } {
  const served = servedProviders(config);
  return served === undefined ? {} : { servedProviders: served };
}

/** Seed of the build's backoff-jitter PRNG (a uint32). */
function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0] ?? 0;
}
