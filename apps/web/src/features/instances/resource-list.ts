// The list of tracked resources as the page keeps it: loaded over tRPC, then changed by live
// messages. Pure functions, so the order of a load and the messages around it does not matter:
// for each resource the newest view (by `updated_at`) wins.
import { allowedResourceActions, RESOURCE_STATES } from '@ordo/core';
import type { ResourceAction, ResourceState, ResourceView } from './types';

/** Newest first, as the API lists them. */
function byCreatedDesc(a: ResourceView, b: ResourceView): number {
  return b.created_at.localeCompare(a.created_at) || b.id.localeCompare(a.id);
}

function newer(candidate: ResourceView, current: ResourceView | undefined): boolean {
  return current === undefined || Date.parse(candidate.updated_at) >= Date.parse(current.updated_at);
}

/** `list` with `view` put in (replacing an older view of the same resource). */
export function mergeResource(list: readonly ResourceView[], view: ResourceView): ResourceView[] {
  const at = list.findIndex((r) => r.id === view.id);
  if (at === -1) return [...list, view].sort(byCreatedDesc);
  if (!newer(view, list[at])) return list as ResourceView[];
  const next = [...list];
  next[at] = view;
  return next;
}

/**
 * A freshly loaded list merged with what is shown: a resource a live message brought that is
 * newer than the loaded view (or not in it yet) is kept.
 */
export function mergeLoaded(loaded: readonly ResourceView[], shown: readonly ResourceView[]): ResourceView[] {
  let list = [...loaded].sort(byCreatedDesc);
  for (const view of shown) list = mergeResource(list, view);
  return list;
}

export interface ResourceFilters {
  environment: string;
  provider: string;
  state: ResourceState | '';
}

export const NO_FILTERS: ResourceFilters = { environment: '', provider: '', state: '' };

export function filterResources(list: readonly ResourceView[], filters: ResourceFilters): ResourceView[] {
  return list.filter(
    (r) =>
      (filters.environment === '' || r.environment === filters.environment) &&
      (filters.provider === '' || r.provider === filters.provider) &&
      (filters.state === '' || r.state === filters.state),
  );
}

/** The values a filter can take: those present, sorted (states in their lifecycle order). */
export function filterOptions(list: readonly ResourceView[]): {
  environments: string[];
  providers: string[];
  states: ResourceState[];
} {
  const environments = new Set(list.map((r) => r.environment));
  const providers = new Set(list.map((r) => r.provider));
  const states = new Set(list.map((r) => r.state));
  return {
    environments: [...environments].sort(),
    providers: [...providers].sort(),
    states: RESOURCE_STATES.filter((s) => states.has(s)),
  };
}

/** The actions the resource's state allows now (core decides; the runner checks again). */
export function actionsFor(resource: Pick<ResourceView, 'state' | 'pending_action'>): ResourceAction[] {
  return allowedResourceActions({ state: resource.state, pendingAction: resource.pending_action });
}

export const ACTION_LABEL: Record<ResourceAction, string> = {
  start: 'Start',
  reboot: 'Reboot',
  stop: 'Stop',
  terminate: 'Terminate',
};
