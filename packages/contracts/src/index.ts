export * from './cloud';
export * from './control';
export * from './events';
export * from './exec';
export * from './sim';
