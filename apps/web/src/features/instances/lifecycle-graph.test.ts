import type { LifecycleDefinition } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import {
  layoutLifecycle,
  lifecycleGraph,
  STATE_WIDTH,
  stateMarks,
  takenTransitions,
} from './lifecycle-graph';

/** The shape of ../shared/formats/lifecycle.example.json (tasks left out: the diagram ignores them). */
const definition: LifecycleDefinition = {
  type: 'instance',
  initial: 'launched',
  transitions: [
    {
      source: 'launched',
      dest: 'join_cluster',
      triggers: [{ name: 'start_join', conditions: ['has_private_ip'] }],
    },
    {
      source: 'join_cluster',
      dest: 'joined_cluster',
      triggers: [{ name: 'join' }],
      stop_after_state_change: true,
    },
    {
      source: 'joined_cluster',
      dest: 'ready',
      triggers: [{ name: 'complete' }, { name: 'complete_anyway' }],
    },
    { source: 'failure', dest: 'abandoned', triggers: [{ name: 'abandon_lifecycle', ignore_errors: true }] },
  ],
  tasks: {},
};

describe('lifecycleGraph', () => {
  it('makes one node per state (initial first, failure included) and one labelled edge per transition', () => {
    const graph = lifecycleGraph(definition);
    expect(graph.states.map((s) => s.id)).toEqual([
      'launched',
      'join_cluster',
      'joined_cluster',
      'ready',
      'failure',
      'abandoned',
    ]);
    expect(graph.states.find((s) => s.id === 'launched')).toMatchObject({ initial: true, final: false });
    expect(graph.states.find((s) => s.id === 'ready')).toMatchObject({ final: true });
    expect(graph.states.find((s) => s.id === 'failure')).toMatchObject({ failure: true, final: false });
    expect(graph.transitions).toEqual([
      {
        id: 'launched->join_cluster',
        source: 'launched',
        target: 'join_cluster',
        label: 'start_join',
        pauses: false,
      },
      {
        id: 'join_cluster->joined_cluster',
        source: 'join_cluster',
        target: 'joined_cluster',
        label: 'join',
        pauses: true,
      },
      {
        id: 'joined_cluster->ready',
        source: 'joined_cluster',
        target: 'ready',
        label: 'complete, complete_anyway',
        pauses: false,
      },
      {
        id: 'failure->abandoned',
        source: 'failure',
        target: 'abandoned',
        label: 'abandon_lifecycle',
        pauses: false,
      },
    ]);
  });

  it('includes failure even when no transition leaves it', () => {
    const graph = lifecycleGraph({ ...definition, transitions: definition.transitions.slice(0, 1) });
    expect(graph.states.map((s) => [s.id, s.final])).toEqual([
      ['launched', false],
      ['join_cluster', true],
      ['failure', true],
    ]);
  });
});

describe('marks from a run', () => {
  it('marks the current state, the visited ones and the transitions taken', () => {
    const graph = lifecycleGraph(definition);
    const run = {
      current: 'joined_cluster',
      history: [
        { from: 'launched', to: 'join_cluster' },
        { from: 'join_cluster', to: 'joined_cluster' },
      ],
    };
    expect(Object.fromEntries(stateMarks(graph, run))).toEqual({
      launched: 'visited',
      join_cluster: 'visited',
      joined_cluster: 'current',
      ready: 'idle',
      failure: 'idle',
      abandoned: 'idle',
    });
    expect([...takenTransitions(run)]).toEqual(['launched->join_cluster', 'join_cluster->joined_cluster']);
    expect([...stateMarks(graph, null).values()].every((m) => m === 'idle')).toBe(true);
  });
});

describe('layoutLifecycle', () => {
  it('lays the states out left to right along the transitions', async () => {
    const positions = await layoutLifecycle(lifecycleGraph(definition));
    expect(positions.size).toBe(6);
    const x = (id: string) => positions.get(id)?.x ?? Number.NaN;
    expect(x('launched')).toBeLessThan(x('join_cluster'));
    expect(x('join_cluster')).toBeLessThan(x('joined_cluster'));
    expect(x('joined_cluster')).toBeLessThan(x('ready'));
    expect(x('failure')).toBeLessThan(x('abandoned'));
    // no two states overlap
    const boxes = [...positions.values()];
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i] as { x: number; y: number };
        const b = boxes[j] as { x: number; y: number };
        expect(Math.abs(a.x - b.x) >= STATE_WIDTH || Math.abs(a.y - b.y) >= 40).toBe(true);
      }
    }
  });
});
