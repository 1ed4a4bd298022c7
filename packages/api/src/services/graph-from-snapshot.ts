// A core `Graph` rebuilt from a stored build, for exports (Ernest, gorch, Ordo native, DOT).
import { type Component, ERNEST_COMPONENT_KEYS, type ErnestRecord, type Graph } from '@ordo/core';
import type { BuildSnapshotPort, ComponentSnapshotPort } from './ports';

/**
 * `changes` are the build's components with their build state and, after the requested
 * properties, the provider outputs they completed with (as Ernest's mapping of a finished build
 * carries them); `current` is the environment's current state as stored now. Per-component
 * policies and editor positions are not part of a build's snapshot, so exports leave them out.
 */
export function graphFromSnapshot(snapshot: BuildSnapshotPort, current: readonly ErnestRecord[]): Graph {
  return {
    name: snapshot.environment,
    changes: snapshot.components.map(componentOf),
    current: current.map(componentOfRecord),
    edges: snapshot.edges.map(({ source, destination }) => ({ source, destination })),
  };
}

function componentOf(c: ComponentSnapshotPort): Component {
  return {
    id: c.id,
    type: c.type,
    action: c.action,
    provider: c.provider,
    state: c.state,
    props: { ...propsOfRecord(c.desired), ...c.outputs },
  };
}

/** An Ernest-form record (`_component_id`, …, props) as a component. */
export function componentOfRecord(record: ErnestRecord): Component {
  const component: Component = {
    id: str(record._component_id),
    type: str(record._component),
    action: str(record._action),
    provider: str(record._provider),
    props: propsOfRecord(record),
  };
  if (typeof record._state === 'string') component.state = record._state;
  return component;
}

function propsOfRecord(record: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (!ERNEST_COMPONENT_KEYS.has(key) && key !== '_policy' && key !== '_position') props[key] = value;
  }
  return props;
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
