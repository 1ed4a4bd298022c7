/**
 * The instance lifecycle machine (autoscaling-lifecycle form): its definition and validation
 * (parse.ts), and the pure machine (machine.ts) that turns events into commands.
 */

export {
  FAILURE_STATE,
  type LifecycleDefinition,
  type LifecycleTask,
  type LifecycleTransition,
  type LifecycleTrigger,
  lifecycleDefinitionSchema,
  TASK_LIST_KEYS,
  type TaskListKey,
} from './definition';
export { startLifecycle, stepLifecycle } from './machine';
export { type ParseLifecycleResult, parseLifecycle } from './parse';
export type {
  LifecycleCandidate,
  LifecycleCommand,
  LifecycleEvent,
  LifecycleHistoryEntry,
  LifecyclePauseReason,
  LifecyclePhase,
  LifecycleProgress,
  LifecycleState,
  LifecycleStatus,
  LifecycleStep,
} from './state';
