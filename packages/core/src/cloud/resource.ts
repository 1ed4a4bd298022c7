/**
 * Cloud state rules (design.md "Cloud state and lifecycle", after Aeolus's Cloud State): which
 * completed build components become tracked resources, which operator action each state
 * allows and through which intermediate state it goes, and what a provider's answer to a
 * `get` poll means. Pure: the runner carries the decisions out.
 */

/** States of a tracked resource. */
export const RESOURCE_STATES = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'terminated',
  'vanished',
  'error',
] as const;
export type ResourceState = (typeof RESOURCE_STATES)[number];

export const RESOURCE_ACTIONS = ['start', 'reboot', 'stop', 'terminate'] as const;
export type ResourceAction = (typeof RESOURCE_ACTIONS)[number];

/** States in which nothing more happens to a resource: it is not polled and allows no action. */
export const FINAL_RESOURCE_STATES: ReadonlySet<ResourceState> = new Set(['terminated', 'vanished']);

const isState = (v: unknown): v is ResourceState =>
  typeof v === 'string' && (RESOURCE_STATES as readonly string[]).includes(v);

/** What a resource looks like to the rules. */
export interface ResourceFacts {
  state: ResourceState;
  /** the action in progress, if any */
  pendingAction: ResourceAction | null;
}

/** The states an action may start from. */
const ALLOWED_FROM: Readonly<Record<ResourceAction, readonly ResourceState[]>> = {
  start: ['stopped', 'error'],
  stop: ['running'],
  reboot: ['running'],
  terminate: ['pending', 'running', 'stopping', 'stopped', 'error'],
};

/** The state a resource shows while an action runs, and the state it reaches when it succeeds. */
export const ACTION_STATES: Readonly<Record<ResourceAction, { via: ResourceState; to: ResourceState }>> = {
  start: { via: 'pending', to: 'running' },
  stop: { via: 'stopping', to: 'stopped' },
  reboot: { via: 'pending', to: 'running' },
  terminate: { via: 'stopping', to: 'terminated' },
};

export type ActionCheck = { ok: true; via: ResourceState; to: ResourceState } | { ok: false; reason: string };

/** Whether `action` may be taken now; when not, the reason an operator reads (HTTP 409). */
export function checkResourceAction(resource: ResourceFacts, action: ResourceAction): ActionCheck {
  const from = ALLOWED_FROM[action];
  if (from === undefined) return { ok: false, reason: `unknown action "${String(action)}"` };
  if (resource.pendingAction !== null) {
    return {
      ok: false,
      reason: `a ${resource.pendingAction} is in progress (state ${resource.state}); wait until it finishes`,
    };
  }
  if (!from.includes(resource.state)) {
    return {
      ok: false,
      reason: `cannot ${action} a resource that is ${resource.state}; ${action} is allowed when ${listOr(from)}`,
    };
  }
  return { ok: true, ...ACTION_STATES[action] };
}

/** The actions the current state allows (the UI shows only these buttons). */
export function allowedResourceActions(resource: ResourceFacts): ResourceAction[] {
  return RESOURCE_ACTIONS.filter((a) => checkResourceAction(resource, a).ok);
}

function listOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** A completed component seen as a cloud resource. */
export interface TrackedResourceFacts {
  providerId: string;
  state: ResourceState;
  publicIp: string | null;
  privateIp: string | null;
  keyName: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * Whether a completed component is a cloud resource, and its facts: it is one when its record
 * (desired fields with the executor's outputs merged in) has a provider id — `<type>_<provider>_id`,
 * `<type>_id`, or any other `*_id` field not starting with `_` — or when its type is `instance`
 * (then `id`, or failing that the component id, names it). The provider's `state` is read
 * through `normalizeProviderState`; a resource without one is `running` (it exists).
 */
export function trackedResource(
  component: { type: string; provider: string; id: string },
  record: Readonly<Record<string, unknown>>,
): TrackedResourceFacts | undefined {
  const { type, provider } = component;
  let providerId = str(record[`${type}_${provider}_id`]) ?? str(record[`${type}_id`]);
  if (providerId === null) {
    for (const [key, value] of Object.entries(record)) {
      if (key.startsWith('_') || !key.endsWith('_id')) continue;
      providerId = str(value);
      if (providerId !== null) break;
    }
  }
  if (providerId === null && type === 'instance') providerId = str(record.id) ?? component.id;
  if (providerId === null) return undefined;
  return {
    providerId,
    state: normalizeProviderState(record.state) ?? 'running',
    publicIp: str(record.public_ip) ?? str(record.public_ip_address),
    privateIp: str(record.private_ip) ?? str(record.private_ip_address),
    keyName: str(record.key_name) ?? str(record.key_pair),
  };
}

/** Provider state words (EC2's included) in Ordo's states; undefined when not a known word. */
export function normalizeProviderState(value: unknown): ResourceState | undefined {
  if (typeof value !== 'string') return undefined;
  const v = value.toLowerCase();
  if (isState(v)) return v;
  switch (v) {
    case 'shutting-down':
    case 'shutting_down':
    case 'terminating':
      return 'stopping';
    case 'starting':
    case 'rebooting':
    case 'provisioning':
    case 'creating':
      return 'pending';
    case 'available':
    case 'active':
    case 'ready':
      return 'running';
    case 'deleted':
      return 'terminated';
    case 'failed':
      return 'error';
    default:
      return undefined;
  }
}

/** The answer of a provider to a `get` poll. */
export type PollAnswer =
  | { kind: 'found'; record: Readonly<Record<string, unknown>> }
  | { kind: 'missing' }
  | { kind: 'failed'; error: string };

export interface PollOutcome {
  /** the new state; equal to the current one when nothing changed */
  state: ResourceState;
  /** the action in progress after the poll (cleared once its end state is seen) */
  pendingAction: ResourceAction | null;
  publicIp?: string | null;
  privateIp?: string | null;
  /** why the state changed, for the history */
  reason: string | null;
}

/**
 * What a poll answer means for a resource. A missing resource becomes `vanished` — or
 * `stopped` when a stop was sent, `terminated` when a terminate was sent (Aeolus). A failed poll
 * changes nothing (the provider could not be asked). A found resource takes the provider's
 * state; while an action is in progress, a state that is neither the action's intermediate nor
 * its end state is ignored until the action's own answer arrives.
 */
export function pollOutcome(resource: ResourceFacts, answer: PollAnswer): PollOutcome {
  const keep: PollOutcome = { state: resource.state, pendingAction: resource.pendingAction, reason: null };
  if (FINAL_RESOURCE_STATES.has(resource.state)) return keep;
  if (answer.kind === 'failed') return keep;
  if (answer.kind === 'missing') {
    const pending = resource.pendingAction;
    if (pending === 'terminate' || resource.state === 'terminated') {
      return { state: 'terminated', pendingAction: null, reason: 'gone at the provider after terminate' };
    }
    if (pending === 'stop') {
      return { state: 'stopped', pendingAction: null, reason: 'gone at the provider after stop' };
    }
    return { state: 'vanished', pendingAction: null, reason: 'no longer found at the provider' };
  }
  const reported = normalizeProviderState(answer.record.state) ?? resource.state;
  const addresses = {
    publicIp: str(answer.record.public_ip),
    privateIp: str(answer.record.private_ip),
  };
  const pending = resource.pendingAction;
  if (pending !== null) {
    const { via, to } = ACTION_STATES[pending];
    if (reported === to && to !== via) {
      return { state: to, pendingAction: null, ...addresses, reason: `${pending} finished (seen by poll)` };
    }
    return { ...keep, ...addresses };
  }
  return {
    state: reported,
    pendingAction: null,
    ...addresses,
    reason: reported === resource.state ? null : `provider reports ${String(answer.record.state)}`,
  };
}
