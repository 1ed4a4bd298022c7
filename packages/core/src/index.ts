export * from './cloud/index';
export * from './formats/index';
export * from './graph/model';
export * from './lifecycle/index';
export * from './scheduler/index';
export * from './templates/index';
export * from './validation/index';
