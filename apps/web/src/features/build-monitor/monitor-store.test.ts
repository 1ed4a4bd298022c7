import { describe, expect, it } from 'vitest';
import { MonitorStore } from './monitor-store';
import type { BuildView, ComponentView } from './types';

function component(id: string, extra: Partial<ComponentView> = {}): ComponentView {
  return {
    id,
    type: 'vpc',
    action: 'create',
    provider: 'sim',
    state: 'waiting',
    attempt: 0,
    error: null,
    outputs: {},
    history: [],
    awaitingApproval: false,
    approved: false,
    cancelRequested: false,
    ...extra,
  };
}

function snapshot(extra: Partial<BuildView> = {}): BuildView {
  return {
    id: 'b1',
    environment: 'shop',
    status: 'running',
    createdAt: 1,
    startedAt: 2,
    finishedAt: null,
    policy: 'fail-fast',
    simulate: true,
    seq: 3,
    concurrency: {},
    components: [component('a'), component('b')],
    edges: [{ source: 'a', destination: 'b' }],
    ...extra,
  };
}

describe('MonitorStore', () => {
  it('applies state changes to the one component they name, with its attempts', () => {
    const m = new MonitorStore('b1');
    m.applySnapshot(snapshot());
    const b = m.node('b').getState();
    m.applyEvents([
      { seq: 4, at: 10, type: 'component_state', componentId: 'a', state: 'running', attempt: 1 },
      {
        seq: 5,
        at: 30,
        type: 'component_state',
        componentId: 'a',
        state: 'errored',
        attempt: 1,
        message: 'quota exceeded',
      },
      { seq: 6, at: 31, type: 'build_state', state: 'errored' },
    ]);
    const a = m.nodeState('a');
    expect(a.state).toBe('errored');
    expect(a.error).toBe('quota exceeded');
    expect(a.history).toEqual([
      { attempt: 1, dispatchedAt: 10, finishedAt: 30, status: 'errored', error: 'quota exceeded' },
    ]);
    expect(m.node('b').getState()).toBe(b);
    const build = m.build.getState();
    expect(build.status).toBe('errored');
    expect(build.finishedAt).toBe(31);
    expect(build.seq).toBe(6);
    expect(build.counts).toEqual({ waiting: 1, errored: 1, running: 0 });
  });

  it('records operator actions and marks running components as being cancelled', () => {
    const m = new MonitorStore('b1');
    m.applySnapshot(
      snapshot({ components: [component('a', { state: 'running', attempt: 1 }), component('b')] }),
    );
    m.applyEvents([{ seq: 4, at: 5, type: 'action', actor: 'ann', action: 'cancel' }]);
    expect(m.nodeState('a').cancelRequested).toBe(true);
    expect(m.build.getState().activity).toEqual([{ seq: 4, at: 5, actor: 'ann', action: 'cancel' }]);
    m.addActivity([{ seq: 4, at: 5, actor: 'ann', action: 'cancel' }]);
    expect(m.build.getState().activity).toHaveLength(1);
  });

  it('a retried build clears the error and a reloaded snapshot keeps the structure', () => {
    const m = new MonitorStore('b1');
    m.applySnapshot(
      snapshot({ components: [component('a', { state: 'errored', error: 'x' }), component('b')] }),
    );
    const structure = m.build.getState().components;
    m.applyEvents([
      {
        seq: 4,
        at: 5,
        type: 'component_state',
        componentId: 'a',
        state: 'waiting',
        message: 'build retried',
      },
    ]);
    expect(m.nodeState('a').error).toBeNull();
    m.applySnapshot(snapshot({ seq: 9 }));
    expect(m.build.getState().components).toBe(structure);
    expect(m.build.getState().seq).toBe(9);
  });
});

describe('MonitorStore coalescing', () => {
  it('shows component changes per batch at once, and writes the build level once per frame', () => {
    const frames: (() => void)[] = [];
    const m = new MonitorStore('b1', (run) => {
      frames.push(run);
      return () => frames.splice(frames.indexOf(run), 1);
    });
    m.applySnapshot(snapshot());
    const b = m.node('b').getState();
    let buildUpdates = 0;
    let aUpdates = 0;
    const changes: string[] = [];
    m.build.subscribe(() => buildUpdates++);
    m.node('a').subscribe(() => aUpdates++);
    m.onNodeChange((id, next, previous) => changes.push(`${id}:${previous.state}>${next.state}`));
    m.enqueueEvents([
      { seq: 4, at: 10, type: 'component_state', componentId: 'a', state: 'running', attempt: 1 },
    ]);
    expect(m.nodeState('a').state).toBe('running');
    m.enqueueEvents([
      { seq: 5, at: 20, type: 'component_state', componentId: 'a', state: 'completed', attempt: 1 },
      { seq: 6, at: 21, type: 'build_state', state: 'completed' },
    ]);
    expect(frames).toHaveLength(1);
    expect(aUpdates).toBe(2);
    expect(changes).toEqual(['a:waiting>running', 'a:running>completed']);
    expect(buildUpdates).toBe(0);
    expect(m.build.getState().seq).toBe(3);
    (frames[0] as () => void)();
    expect(buildUpdates).toBe(1);
    expect(m.node('b').getState()).toBe(b);
    expect(m.nodeState('a').history).toEqual([
      { attempt: 1, dispatchedAt: 10, finishedAt: 20, status: 'completed' },
    ]);
    const build = m.build.getState();
    expect(build.seq).toBe(6);
    expect(build.status).toBe('completed');
    expect(build.counts).toEqual({ waiting: 1, completed: 1, running: 0 });
    expect(build.version).toBe(2);
  });

  it('a snapshot applies what is queued first and cancels the scheduled frame', () => {
    const frames: (() => void)[] = [];
    const m = new MonitorStore('b1', (run) => {
      frames.push(run);
      return () => frames.splice(frames.indexOf(run), 1);
    });
    m.applySnapshot(snapshot());
    m.enqueueEvents([{ seq: 4, at: 5, type: 'action', actor: 'ann', action: 'cancel' }]);
    m.applySnapshot(snapshot({ seq: 9 }));
    expect(frames).toHaveLength(0);
    expect(m.build.getState().activity).toHaveLength(1);
    expect(m.build.getState().seq).toBe(9);
  });
});
