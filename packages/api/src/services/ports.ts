// What the API's services need of the store, the bus and the clock (style habit 2: side effects
// are passed in). The store part is the subset of `@ordo/store`'s `Store` the services call,
// with the store's own types (one definition of each shape).
import type { Bus } from '@ordo/bus';
import type {
  BuildComponentSnapshot,
  BuildListFilter,
  BuildSnapshot,
  BuildSummary,
  CallbackRecord,
  CreateBuildRecord,
  DeliveryRecord,
  EnvironmentSummary,
  GraphDefinition,
  LifecycleDefinitionRecord,
  LifecycleRunRecord,
  OperatorActionRecord,
  ResourceActionRecord,
  ResourceEventRecord,
  ResourceFilter,
  ResourceRecord,
  Store,
  StoredLogLine,
} from '@ordo/store';

export type { BuildListFilter, CreateBuildRecord };
export type ComponentSnapshotPort = BuildComponentSnapshot;
export type BuildSnapshotPort = BuildSnapshot;
export type BuildSummaryPort = BuildSummary;
export type LogLinePort = StoredLogLine;
export type EnvironmentPort = EnvironmentSummary;
export type GraphDefinitionPort = GraphDefinition;
export type OperatorActionPort = OperatorActionRecord;
export type ResourcePort = ResourceRecord;
export type ResourceFilterPort = ResourceFilter;
export type ResourceEventPort = ResourceEventRecord;
export type ResourceActionPort = ResourceActionRecord;
export type CallbackPort = CallbackRecord;
export type DeliveryPort = DeliveryRecord;
export type LifecycleDefinitionPort = LifecycleDefinitionRecord;
export type LifecycleRunPort = LifecycleRunRecord;

/** The part of the store the services call. */
export interface StorePort {
  builds: Pick<Store['builds'], 'create' | 'snapshot' | 'list' | 'events' | 'actions'>;
  logs: Pick<Store['logs'], 'list'>;
  environments: Pick<Store['environments'], 'current' | 'list' | 'idOf'>;
  graphDefinitions: Pick<Store['graphDefinitions'], 'save' | 'latest' | 'get' | 'list'>;
  resources: Pick<Store['resources'], 'list' | 'get' | 'history' | 'actions'>;
  callbacks: Pick<Store['callbacks'], 'create' | 'get' | 'list' | 'remove' | 'deliveries'>;
  lifecycles: Pick<
    Store['lifecycles'],
    'saveDefinition' | 'latestDefinition' | 'definition' | 'definitions' | 'versions' | 'runsFor'
  >;
}

/** The bus, or a way to get it: the web app connects lazily and may be without NATS for a while. */
export type BusProvider = () => Promise<Bus>;

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
