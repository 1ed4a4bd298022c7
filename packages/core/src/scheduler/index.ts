/**
 * Ordo's scheduling core: a pure function from (build state, event, now) to (state, commands).
 * `step` mutates the state it is given (see step.ts). Nothing here does I/O.
 */

export { backoffDelay, nextRandom } from './backoff';
export { createBuild, DEFAULT_POLICY, resolvePolicy } from './create-build';
export { deriveDeleteGraph } from './delete-graph';
export { indexOfComponent } from './records';
export {
  changedComponents,
  restoreBuild,
  type SavedBuild,
  type SavedBuildFields,
  type SavedComponentRun,
  savedBuild,
  savedComponent,
} from './restore';
export { type SimulateOptions, type SimulateResult, simulateBuild } from './simulate';
export { CANCEL_GRACE_MS, dispatchKey, policyOf, step } from './step';
export { inFlightDispatches, pendingTimers } from './timers';
export type {
  AttemptRecord,
  AttemptStatus,
  BuildEvent,
  BuildState,
  CancelCommand,
  Command,
  ComponentRun,
  CreateBuildInput,
  DispatchCommand,
  EmitCommand,
  EnvironmentCommand,
  EnvironmentSnapshot,
  ErnestRecord,
  FailurePolicy,
  OperatorEvent,
  ResolvedPolicy,
  SchedulerEvent,
  StateCounts,
  StepOptions,
  StepResult,
  TimerCommand,
  TimerEvent,
} from './types';
