export { type FoundCycle, findCycles } from './cycles';
export { AncestorOracle, type GraphIndex, graphIndex, topologicalOrder } from './graph-index';
export { IdTable } from './id-table';
export {
  isSubjectToken,
  SUBJECT_TOKEN,
  type ValidateOptions,
  type ValidationCode,
  validateGraph,
} from './validate-graph';
