// The plan of a build before it starts: the components it runs, grouped by action, each with
// the fields the build changes, current (the environment's state) against desired (`changes`).
// Computed in the browser from the graph with core's model; see the report for the
// `build.plan` procedure that would let the server say it.
import type { Component, Graph } from '@ordo/core';

export const PLAN_ACTIONS = ['create', 'update', 'delete', 'get', 'find', 'none'] as const;

export interface FieldChange {
  field: string;
  current: unknown;
  desired: unknown;
  change: 'added' | 'changed' | 'removed';
  /** the desired value holds a template, resolved only when the component is dispatched */
  templated: boolean;
}

export interface PlanItem {
  id: string;
  type: string;
  provider: string;
  action: string;
  /** the environment already holds a component with this id */
  exists: boolean;
  changes: FieldChange[];
}

export interface PlanGroup {
  action: string;
  items: PlanItem[];
}

/** The graph's own `components`, then those the environment holds that the graph does not name. */
export function mergeCurrent(own: readonly Component[], stored: readonly Component[]): Component[] {
  const ids = new Set(own.map((c) => c.id));
  return [...own, ...stored.filter((c) => c.id !== '' && !ids.has(c.id))];
}

export function buildPlan(graph: Pick<Graph, 'changes'>, current: readonly Component[]): PlanGroup[] {
  const byId = new Map(current.map((c) => [c.id, c]));
  const groups = new Map<string, PlanItem[]>();
  for (const c of graph.changes) {
    const now = byId.get(c.id);
    const item: PlanItem = {
      id: c.id,
      type: c.type,
      provider: c.provider,
      action: c.action,
      exists: now !== undefined,
      changes: fieldChanges(c, now),
    };
    const list = groups.get(c.action);
    if (list) list.push(item);
    else groups.set(c.action, [item]);
  }
  const known: readonly string[] = PLAN_ACTIONS;
  const order = [...PLAN_ACTIONS, ...[...groups.keys()].filter((a) => !known.includes(a)).sort()];
  return order.flatMap((action) => {
    const items = groups.get(action);
    return items ? [{ action, items }] : [];
  });
}

function fieldChanges(desired: Component, current: Component | undefined): FieldChange[] {
  if (desired.action === 'delete') {
    const gone = current?.props ?? desired.props;
    return Object.entries(gone).map(([field, value]) => ({
      field,
      current: value,
      desired: undefined,
      change: 'removed',
      templated: false,
    }));
  }
  const out: FieldChange[] = [];
  for (const [field, value] of Object.entries(desired.props)) {
    const has = current !== undefined && Object.hasOwn(current.props, field);
    const before = has ? current?.props[field] : undefined;
    if (has && stableJson(before) === stableJson(value)) continue;
    out.push({
      field,
      current: before,
      desired: value,
      change: has ? 'changed' : 'added',
      templated: hasTemplate(value),
    });
  }
  return out;
}

/** A string anywhere in `value` holds `$(…)` or `${…}`. */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('$(') || value.includes('${');
  if (Array.isArray(value)) return value.some(hasTemplate);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasTemplate);
  return false;
}

/** JSON with object keys sorted, for comparing values whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}
