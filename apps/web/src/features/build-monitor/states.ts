// How each component and build state looks, and which operator actions each state allows
// (design.md "Scheduling semantics" → operator actions; the runner has the last word and
// refuses with a reason, which the UI shows).
import { BUILD_STATUSES, COMPONENT_STATES } from '@ordo/core';

/** States in the order the progress bar and the legend list them. */
export const STATE_ORDER: readonly string[] = [
  'completed',
  'skipped',
  'running',
  'errored',
  'cancelled',
  'blocked',
  'waiting',
];

const ICONS: Record<string, string> = {
  waiting: '○',
  running: '◐',
  completed: '✓',
  errored: '✕',
  cancelled: '⊘',
  skipped: '↷',
  blocked: '!',
};

/** The glyph a node shows for its state (a person reads the colour and the word too). */
export function stateIcon(state: string): string {
  return ICONS[state] ?? '?';
}

export function isComponentState(value: string): boolean {
  return (COMPONENT_STATES as readonly string[]).includes(value);
}

export function isBuildStatus(value: string): boolean {
  return (BUILD_STATUSES as readonly string[]).includes(value);
}

/** Build statuses after which nothing happens until an operator acts. */
export function isFinished(status: string): boolean {
  return status === 'completed' || status === 'errored' || status === 'cancelled';
}

export type BuildAction = 'retry' | 'cancel';
export type ComponentAction = 'retry' | 'cancel' | 'skip' | 'approve';

/** "Retry from failure" for an errored or cancelled build, "Cancel build" while pending or running. */
export function buildActions(status: string): BuildAction[] {
  if (status === 'errored' || status === 'cancelled') return ['retry'];
  if (status === 'pending' || status === 'running') return ['cancel'];
  return [];
}

export interface ComponentActionInput {
  state: string;
  awaitingApproval: boolean;
  cancelRequested: boolean;
}

/**
 * The actions a component's panel offers. A finished build is read-only except for retrying
 * a failed component; nothing is offered while the build is pending or being cancelled.
 */
export function componentActions(status: string, c: ComponentActionInput): ComponentAction[] {
  if (status === 'pending' || status === 'cancelling') return [];
  const failed = c.state === 'errored' || c.state === 'cancelled';
  const actions: ComponentAction[] = [];
  if (failed) actions.push('retry');
  if (isFinished(status)) return actions;
  if (c.state === 'waiting' || (c.state === 'running' && !c.cancelRequested)) actions.push('cancel');
  if (failed || c.state === 'blocked') actions.push('skip');
  if (c.awaitingApproval) actions.push('approve');
  return actions;
}
