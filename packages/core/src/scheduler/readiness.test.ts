import { describe, expect, it } from 'vitest';
import { createBuild } from './create-build';
import { apply, build, component, dispatchedIds, done, events, graph, run, stateOf } from './test-support';

describe('rule 1: readiness', () => {
  it('start dispatches exactly the components whose sources are all complete', () => {
    const s = build(
      graph(
        ['a', 'b', 'c', 'd'],
        [
          ['a', 'c'],
          ['b', 'c'],
          ['c', 'd'],
        ],
      ),
    );
    const r = apply(s, { kind: 'start' }, 5);
    expect(dispatchedIds(r.commands)).toEqual(['a', 'b']);
    expect(s.status).toBe('running');
    expect(s.startedAt).toBe(5);
    expect(events(r.commands)[0]).toMatchObject({ seq: 1, at: 5, type: 'build_state', state: 'running' });
  });

  it('dispatches a dependant only after every source completed, in the step of the last completion', () => {
    const s = build(
      graph(
        ['a', 'b', 'c'],
        [
          ['a', 'c'],
          ['b', 'c'],
        ],
      ),
    );
    apply(s, { kind: 'start' });
    expect(dispatchedIds(apply(s, done('a'), 1).commands)).toEqual([]);
    expect(stateOf(s, 'c')).toBe('waiting');
    expect(dispatchedIds(apply(s, done('b'), 2).commands)).toEqual(['c']);
    expect(stateOf(s, 'c')).toBe('running');
  });

  it('treats an edge from a component only in `current` as satisfied, and ignores start/end', () => {
    const g = graph(
      ['net::a'],
      [
        ['vpc::old', 'net::a'],
        ['start', 'net::a'],
        ['net::a', 'end'],
      ],
      ['vpc::old'],
    );
    const s = build(g);
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['net::a']);
  });

  it('keeps an edge whose source is in both current and changes', () => {
    const s = build(graph(['vpc::x', 'net::a'], [['vpc::x', 'net::a']], ['vpc::x']));
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['vpc::x']);
  });

  it('completes a `none` component at once without dispatch, adds it to the environment, and runs its dependants in the same step', () => {
    const creds = component('credentials::aws', { action: 'none', props: { region: 'eu-west-1' } });
    const s = build(graph([creds, 'vpc::a'], [['credentials::aws', 'vpc::a']]));
    const r = apply(s, { kind: 'start' });
    expect(dispatchedIds(r.commands)).toEqual(['vpc::a']);
    expect(stateOf(s, 'credentials::aws')).toBe('completed');
    expect(r.commands).toContainEqual({
      kind: 'environment',
      op: 'put',
      id: 'credentials::aws',
      record: {
        _component_id: 'credentials::aws',
        _component: 'credentials',
        _action: 'none',
        _provider: 'sim',
        _state: 'completed',
        region: 'eu-west-1',
      },
    });
    expect(s.environmentState['credentials::aws']).toMatchObject({ region: 'eu-west-1' });
  });

  it('completes a long chain of `none` components iteratively (no recursion)', () => {
    const n = 20000;
    const ids = Array.from({ length: n }, (_, i) => `n${i}`);
    const edges = ids.slice(1).map((id, i) => [ids[i] as string, id] as [string, string]);
    const s = build(
      graph(
        [...ids.map((id) => component(id, { action: 'none' })), 'tail'],
        [...edges, [`n${n - 1}`, 'tail']],
      ),
    );
    const r = apply(s, { kind: 'start' });
    expect(s.counts.completed).toBe(n);
    expect(dispatchedIds(r.commands)).toEqual(['tail']);
  });

  it('ignores imported `_state`: every component of changes starts waiting and runs', () => {
    const s = build(graph([component('a', { state: 'completed' }), component('b', { state: 'errored' })]));
    expect(s.components.map((c) => c.state)).toEqual(['waiting', 'waiting']);
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['a', 'b']);
  });

  it('completes an empty build at once', () => {
    const s = build(graph([]));
    const r = apply(s, { kind: 'start' }, 3);
    expect(s.status).toBe('completed');
    expect(s.finishedAt).toBe(3);
    expect(events(r.commands).map((e) => e.state)).toEqual(['running', 'completed']);
  });

  it('completes the build when the last component completes', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]));
    apply(s, { kind: 'start' });
    apply(s, done('a'), 1);
    const r = apply(s, done('b'), 2);
    expect(s.status).toBe('completed');
    expect(events(r.commands).at(-1)).toMatchObject({ type: 'build_state', state: 'completed', at: 2 });
  });

  it('rejects a second start', () => {
    const s = build(graph(['a']));
    apply(s, { kind: 'start' });
    const before = JSON.stringify(s);
    const r = apply(s, { kind: 'start' });
    expect(r.rejected).toEqual({ code: 'not_allowed', reason: 'build b1 is already running' });
    expect(r.commands).toEqual([]);
    expect(JSON.stringify(s)).toBe(before);
  });

  it('emits exactly one event per state change, numbered without gaps', () => {
    const s = build(graph(['a', 'b'], [['a', 'b']]));
    const all = [
      ...apply(s, { kind: 'start' }).commands,
      ...apply(s, done('a'), 1).commands,
      ...apply(s, done('b'), 2).commands,
    ];
    const e = events(all);
    expect(e.map((x) => x.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(e.map((x) => `${x.type}:${x.componentId ?? ''}:${x.state}`)).toEqual([
      'build_state::running',
      'component_state:a:running',
      'component_state:a:completed',
      'component_state:b:running',
      'component_state:b:completed',
      'build_state::completed',
    ]);
  });

  it('computes the longest remaining path of each component', () => {
    const s = createBuild({
      id: 'b',
      environment: 'e',
      createdAt: 0,
      graph: graph(
        ['a', 'b', 'c', 'd', 'e'],
        [
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'd'],
          ['e', 'c'],
        ],
      ),
    });
    expect(s.priority).toEqual([3, 2, 1, 1, 2]);
    expect(run(s, 'a').attempt).toBe(0);
  });
});
