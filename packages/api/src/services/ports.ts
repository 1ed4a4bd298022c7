// What the API's services need of the store, the bus and the clock (style habit 2: side effects
// are passed in). The store part is the subset of `@ordo/store`'s `Store` the services call,
// written structurally so a real `Store` fits it and a test may hand in the real one.
import type { Bus } from '@ordo/bus';
import type { BuildEvent, ComponentPolicy, Edge, ErnestRecord, FailurePolicy, Graph } from '@ordo/core';

export interface CreateBuildRecord {
  id: string;
  environment: string;
  graph: Graph;
  policy: FailurePolicy;
  concurrency?: { build?: number; providers?: Record<string, number> };
  simulate: boolean;
  seed: number;
  defaults?: ComponentPolicy;
  createdAt: Date;
  actor?: string;
}

/** One component of a stored build, as the services read it. */
export interface ComponentSnapshotPort {
  id: string;
  type: string;
  action: string;
  provider: string;
  state: string;
  attempt: number;
  error: string | null;
  /** provider outputs merged in on completion */
  outputs: Record<string, unknown>;
  /** the component's properties as requested (templates unresolved) */
  desired: Record<string, unknown>;
  history: readonly unknown[];
  awaitingApproval: boolean;
  approved: boolean;
  cancelRequested: boolean;
}

export interface BuildSnapshotPort {
  id: string;
  environment: string;
  status: string;
  policy: string;
  simulate: boolean;
  seq: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  concurrency: unknown;
  components: readonly ComponentSnapshotPort[];
  edges: readonly Edge[];
}

export interface BuildSummaryPort {
  id: string;
  environment: string;
  status: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** components in the build, and how many completed / errored, as of the last save */
  total: number;
  completed: number;
  errored: number;
}

export interface BuildListFilter {
  environment?: string;
  status?: string[];
  limit?: number;
  before?: Date;
}

export interface LogLinePort {
  at: Date;
  componentId: string;
  stream: string;
  line: string;
}

export interface EnvironmentPort {
  name: string;
  /** components in its current state */
  components: number;
  /** when its latest build was created, or null */
  lastBuildAt: Date | null;
}

export interface GraphDefinitionPort {
  name: string;
  version: number;
  createdAt: Date;
  document: unknown;
}

export interface StorePort {
  builds: {
    create(input: CreateBuildRecord): Promise<void>;
    snapshot(id: string): Promise<BuildSnapshotPort | null>;
    list(filter?: BuildListFilter): Promise<readonly BuildSummaryPort[]>;
    events(id: string, sinceSeq: number, limit?: number): Promise<readonly BuildEvent[]>;
  };
  logs: {
    list(buildId: string, componentId?: string, limit?: number): Promise<readonly LogLinePort[]>;
  };
  environments: {
    current(name: string): Promise<readonly ErnestRecord[]>;
    list(): Promise<readonly EnvironmentPort[]>;
  };
  graphDefinitions: {
    save(name: string, document: unknown): Promise<GraphDefinitionPort>;
    latest(name: string): Promise<GraphDefinitionPort | null>;
    get(name: string, version: number): Promise<GraphDefinitionPort | null>;
    list(): Promise<readonly GraphDefinitionPort[]>;
  };
}

/** The bus, or a way to get it: the web app connects lazily and may be without NATS for a while. */
export type BusProvider = () => Promise<Bus>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
