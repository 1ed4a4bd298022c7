export * from './events';
export * from './exec';
