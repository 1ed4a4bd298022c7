// @ordo/store: Prisma and its repositories. Nothing Prisma-typed leaves this package.
export { sqliteUrlInDataDir } from './database-url';
export { StoreError, type StoreErrorCode } from './errors';
export type { GraphDefinition, GraphDefinitionRepository } from './graph-definitions';
export type { SqliteSettings } from './sqlite';
export { createStore, type Store, type StoreOptions } from './store';
