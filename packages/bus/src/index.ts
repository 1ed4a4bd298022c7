export * from './codec';
export * from './connection';
export * from './consumers';
export * from './errors';
export * from './exec';
export type { BusLogger } from './logger';
export * from './streams';
export * from './subjects';
