/**
 * Small helpers over the plain-object dictionaries of the build state, and the Ernest-form
 * records the scheduler builds. Dictionaries are keyed by ids from the input, so they are read
 * with own-property checks and written so that a key such as `__proto__` stays a plain key.
 */

import type { Component } from '../graph/model';
import { IdTable } from '../validation/id-table';
import type { AttemptRecord, BuildState, ComponentRun, ErnestRecord } from './types';

/**
 * Fields of a payload that describe the component rather than a result: `_component_id`,
 * `_component`, `_action`, `_provider`, `_state`, `service`, `error`. (A chain of comparisons:
 * this runs for every field of every result.)
 */
export function isReservedField(key: string): boolean {
  if (key.charCodeAt(0) === 95 /* _ */) {
    return (
      key === '_component_id' ||
      key === '_component' ||
      key === '_action' ||
      key === '_provider' ||
      key === '_state'
    );
  }
  return key === 'service' || key === 'error';
}

export function getOwn<T>(dict: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(dict, key) ? dict[key] : undefined;
}

export function putOwn<T>(dict: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') {
    Object.defineProperty(dict, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    dict[key] = value;
  }
}

/**
 * `outputs` of a component that has none yet, and `history` of one never dispatched: one shared,
 * frozen empty object and array instead of two allocations per component. `step` never writes
 * into an empty `outputs` or `history`: it replaces them (see `complete` and `dispatch`).
 */
export const NO_OUTPUTS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;
export const NO_HISTORY: AttemptRecord[] = Object.freeze([]) as unknown as AttemptRecord[];

/**
 * id → index of a build's components, over the `IdTable` of their ids. Where an id repeats (an
 * invalid graph), it answers the last component with that id, as a `Map` filled in order would.
 */
export class ComponentLookup {
  /** first index of a repeated id → its last index; undefined when no id repeats */
  private readonly lastOf: Map<number, number> | undefined;

  constructor(
    private readonly table: IdTable,
    ids: readonly string[],
  ) {
    if (table.duplicates.length === 0) return;
    this.lastOf = new Map();
    for (const i of table.duplicates) this.lastOf.set(table.indexOf(ids[i] as string), i);
  }

  /** Index of the component `id`, or -1. */
  indexOf(id: string): number {
    return typeof id === 'string' ? this.last(this.table.indexOf(id)) : -1;
  }

  /** The component answered for the id whose first occurrence is `first` (-1 stays -1). */
  last(first: number): number {
    return this.lastOf === undefined || first === -1 ? first : (this.lastOf.get(first) ?? first);
  }
}

/**
 * id → index of the build's components. Derived data, not part of the state: the ids never
 * change after `createBuild`, so the lookup is built once per state object (and again, once, for
 * a state reloaded from JSON). A cache, not hidden state: it is a function of `state.components`.
 */
const indexCache = new WeakMap<BuildState, ComponentLookup>();

let lastState: BuildState | null = null;
let lastIndex: ComponentLookup | null = null;

export function componentIndex(state: BuildState): ComponentLookup {
  if (state === lastState && lastIndex) return lastIndex;
  let index = indexCache.get(state);
  if (!index) {
    const ids = state.components.map((c) => c.id);
    index = new ComponentLookup(new IdTable(ids), ids);
    indexCache.set(state, index);
  }
  lastState = state;
  lastIndex = index;
  return index;
}

/** Registers the lookup `createBuild` made while building `state`. */
export function rememberIndex(state: BuildState, index: ComponentLookup): void {
  indexCache.set(state, index);
}

/** Index of a build component, or -1. */
export function indexOfComponent(state: BuildState, id: string): number {
  return componentIndex(state).indexOf(id);
}

/** `_component_id`, `_component`, `_action`, `_provider`, `_state`: fields a record's identity owns. */
function isIdentityField(key: string): boolean {
  return (
    key.charCodeAt(0) === 95 /* _ */ &&
    (key === '_component_id' ||
      key === '_component' ||
      key === '_action' ||
      key === '_provider' ||
      key === '_state')
  );
}

function copyProps(target: ErnestRecord, props: Record<string, unknown>): void {
  for (const key in props) {
    if (!Object.hasOwn(props, key) || isIdentityField(key)) continue;
    putOwn(target, key, props[key]);
  }
}

/** Ernest-form record of a component of `graph.current` (its imported `_state`, or `completed`). */
export function currentRecord(c: Component): ErnestRecord {
  const record: ErnestRecord = {
    _component_id: c.id,
    _component: c.type,
    _action: c.action,
    _provider: c.provider,
    _state: c.state ?? 'completed',
  };
  copyProps(record, c.props);
  return record;
}

/** Ernest-form record of a build component: identity, state, props (unresolved), outputs. */
export function runRecord(c: ComponentRun): ErnestRecord {
  const record: ErnestRecord = {
    _component_id: c.id,
    _component: c.type,
    _action: c.action,
    _provider: c.provider,
    _state: c.state,
  };
  copyProps(record, c.props);
  for (const key in c.outputs) if (Object.hasOwn(c.outputs, key)) putOwn(record, key, c.outputs[key]);
  return record;
}

/** Dispatch payload: identity, resolved props, `_state: running`, `service` = build id. */
export function dispatchPayload(
  c: ComponentRun,
  props: Record<string, unknown>,
  buildId: string,
): ErnestRecord {
  const record: ErnestRecord = {
    _component_id: c.id,
    _component: c.type,
    _action: c.action,
    _provider: c.provider,
    _state: 'running',
    service: buildId,
  };
  for (const key in props) {
    if (!Object.hasOwn(props, key) || isIdentityField(key) || key === 'service') continue;
    putOwn(record, key, props[key]);
  }
  return record;
}
