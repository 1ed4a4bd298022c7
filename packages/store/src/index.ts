// @ordo/store: Prisma and its repositories. Nothing Prisma-typed leaves this package.
export type {
  BuildComponentSnapshot,
  BuildListFilter,
  BuildRepository,
  BuildSnapshot,
  BuildSummary,
  CreateBuildRecord,
  LoadedBuild,
  OperatorActionInput,
  OperatorActionRecord,
  PersistBatch,
} from './builds';
export { sqliteUrlInDataDir } from './database-url';
export type { EnvironmentRepository, EnvironmentSummary } from './environments';
export { StoreError, type StoreErrorCode } from './errors';
export type { GraphDefinition, GraphDefinitionRepository } from './graph-definitions';
export type { LogLineInput, LogRepository, StoredLogLine } from './logs';
export type { SqliteSettings } from './sqlite';
export { createStore, type Store, type StoreOptions } from './store';
