// A lifecycle definition as a state diagram: one node per state named by a transition (and
// `failure`, where any failing task leads), one edge per transition labelled with its trigger
// names, laid out left to right by ELK (layered). Which state is current and which were
// visited comes from the run's history. Pure except `layoutLifecycle` (ELK, asynchronous).
import { FAILURE_STATE, type LifecycleDefinition } from '@ordo/core';
import type { ElkNode } from 'elkjs/lib/elk-api';

export const STATE_WIDTH = 156;
export const STATE_HEIGHT = 40;

export interface LifecycleStateNode {
  id: string;
  /** the state a new machine starts in */
  initial: boolean;
  /** `failure`: where a failing task moves the machine */
  failure: boolean;
  /** no transition leaves it */
  final: boolean;
}

export interface LifecycleTransitionEdge {
  /** `<source>-><dest>` (a definition has at most one transition per pair) */
  id: string;
  source: string;
  target: string;
  /** the trigger names, in order */
  label: string;
  /** `stop_after_state_change`: the machine waits for the next event after it */
  pauses: boolean;
}

export interface LifecycleGraph {
  states: LifecycleStateNode[];
  transitions: LifecycleTransitionEdge[];
}

export const transitionId = (source: string, target: string): string => `${source}->${target}`;

export function lifecycleGraph(definition: LifecycleDefinition): LifecycleGraph {
  const order: string[] = [];
  const add = (state: string) => {
    if (!order.includes(state)) order.push(state);
  };
  add(definition.initial);
  for (const t of definition.transitions) {
    add(t.source);
    add(t.dest);
  }
  add(FAILURE_STATE);
  const leaving = new Set(definition.transitions.map((t) => t.source));
  return {
    states: order.map((id) => ({
      id,
      initial: id === definition.initial,
      failure: id === FAILURE_STATE,
      final: !leaving.has(id),
    })),
    transitions: definition.transitions.map((t) => ({
      id: transitionId(t.source, t.dest),
      source: t.source,
      target: t.dest,
      label: t.triggers.map((trigger) => trigger.name).join(', '),
      pauses: t.stop_after_state_change === true,
    })),
  };
}

/** How a state shows: the machine is in it, passed through it, or never reached it. */
export type StateMark = 'current' | 'visited' | 'idle';

export interface RunProgress {
  current: string;
  history: readonly { from: string; to: string }[];
}

export function stateMarks(graph: LifecycleGraph, run: RunProgress | null): Map<string, StateMark> {
  const visited = new Set<string>();
  for (const h of run?.history ?? []) {
    visited.add(h.from);
    visited.add(h.to);
  }
  return new Map(
    graph.states.map((s) => [
      s.id,
      run?.current === s.id ? 'current' : visited.has(s.id) ? 'visited' : 'idle',
    ]),
  );
}

/** Transitions the run took (by id). */
export function takenTransitions(run: RunProgress | null): Set<string> {
  return new Set((run?.history ?? []).map((h) => transitionId(h.from, h.to)));
}

/** ELK's input: labels sized so that layers leave room for the trigger names. */
export function lifecycleElkGraph(graph: LifecycleGraph): ElkNode {
  return {
    id: 'lifecycle',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.layered.spacing.nodeNodeBetweenLayers': '70',
      'elk.spacing.nodeNode': '36',
      'elk.spacing.edgeLabel': '6',
      'elk.edgeLabels.placement': 'CENTER',
    },
    children: graph.states.map((s) => ({ id: s.id, width: STATE_WIDTH, height: STATE_HEIGHT })),
    edges: graph.transitions.map((t) => ({
      id: t.id,
      sources: [t.source],
      targets: [t.target],
      labels: [
        { id: `${t.id}:label`, text: t.label, width: Math.min(220, 7 * t.label.length + 12), height: 16 },
      ],
    })),
  };
}

export function positionsOf(layout: ElkNode): Map<string, { x: number; y: number }> {
  return new Map(
    (layout.children ?? []).map((c) => [c.id, { x: Math.round(c.x ?? 0), y: Math.round(c.y ?? 0) }]),
  );
}

/** Positions of the states (top-left corners). A lifecycle has a handful of states: ELK runs here. */
export async function layoutLifecycle(graph: LifecycleGraph): Promise<Map<string, { x: number; y: number }>> {
  const { default: Elk } = await import('elkjs/lib/elk.bundled.js');
  const elk = new Elk();
  return positionsOf(await elk.layout(lifecycleElkGraph(graph)));
}
