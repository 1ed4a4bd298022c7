// @ordo/store: Prisma and its repositories. Nothing Prisma-typed leaves this package.
export type {
  BuildComponentSnapshot,
  BuildListFilter,
  BuildRepository,
  BuildSnapshot,
  BuildSummary,
  CompletedComponents,
  CreateBuildRecord,
  LoadedBuild,
  OperatorActionInput,
  OperatorActionRecord,
  PersistBatch,
} from './builds';
export type {
  AttemptOutcome,
  CallbackRecord,
  CallbackRepository,
  CreateCallbackInput,
  DeliveryAttemptRecord,
  DeliveryRecord,
  DeliveryStatus,
  DueDelivery,
} from './callbacks';
export { sqliteUrlInDataDir } from './database-url';
export type { EnvironmentRepository, EnvironmentSummary } from './environments';
export { StoreError, type StoreErrorCode } from './errors';
export type { GraphDefinition, GraphDefinitionRepository } from './graph-definitions';
export type { LifecycleDefinitionRecord, LifecycleRepository, LifecycleRunRecord } from './lifecycles';
export type { LogLineInput, LogRepository, StoredLogLine } from './logs';
export {
  isResourceNotFound,
  type QueuedDelivery,
  type ResourceActionRecord,
  type ResourceChange,
  type ResourceEventRecord,
  type ResourceFilter,
  type ResourcePatch,
  type ResourceRecord,
  ResourceRepository,
  type ResourceUpdate,
  type TrackResourceInput,
} from './resources';
export type { SqliteSettings } from './sqlite';
export { createStore, type Store, type StoreOptions } from './store';
