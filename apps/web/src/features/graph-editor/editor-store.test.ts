import { describe, expect, it } from 'vitest';
import { createEditorStore, HISTORY_LIMIT, selectedIds } from './editor-store';

/** A store with components a, b, c, d (type vpc) and no edges. */
function storeWith(...ids: string[]) {
  const store = createEditorStore();
  const { actions } = store.getState();
  for (const id of ids) {
    const added = actions.addComponent('vpc', { x: 0, y: 0 }) as string;
    actions.renameComponent(added, id);
  }
  return store;
}

function edgePairs(store: ReturnType<typeof createEditorStore>): string[] {
  return store.getState().edges.map((edge) => `${edge.source}->${edge.target}`);
}

describe('addComponent', () => {
  it('names new components <type>::<type>-<n>, action create, provider sim, and selects the newest', () => {
    const store = createEditorStore();
    const { actions } = store.getState();
    expect(actions.addComponent('vpc', { x: 10, y: 20 })).toBe('vpc::vpc-1');
    expect(actions.addComponent('vpc', { x: 10, y: 20 })).toBe('vpc::vpc-2');
    expect(actions.addComponent('firewall', { x: 0, y: 0 })).toBe('firewall::firewall-1');
    const node = store.getState().nodes.find((n) => n.id === 'vpc::vpc-2');
    expect(node?.data).toEqual({ type: 'vpc', action: 'create', provider: 'sim', props: { name: 'vpc-2' } });
    expect(node?.measured).toEqual({ width: node?.width, height: node?.height });
    expect(selectedIds(store.getState().nodes)).toEqual(['firewall::firewall-1']);
    expect(actions.addComponent('  ', { x: 0, y: 0 })).toBeUndefined();
  });
});

describe('connect', () => {
  it('adds an edge and refuses self-loops and duplicates', () => {
    const store = storeWith('a', 'b');
    const { actions } = store.getState();
    expect(actions.connect('a', 'b')).toMatchObject({ ok: true });
    expect(actions.connect('a', 'b')).toMatchObject({ ok: false, reason: 'duplicate' });
    expect(actions.connect('a', 'a')).toMatchObject({ ok: false, reason: 'self_loop' });
    expect(actions.connect('a', 'ghost')).toMatchObject({ ok: false, reason: 'unknown_component' });
    expect(edgePairs(store)).toEqual(['a->b']);
  });

  it('refuses an edge that closes a cycle and names the cycle', () => {
    const store = storeWith('a', 'b', 'c', 'd');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.connect('b', 'c');
    actions.connect('a', 'd');
    const result = actions.connect('c', 'a');
    expect(result).toEqual({
      ok: false,
      reason: 'cycle',
      cycle: ['a', 'b', 'c', 'a'],
      message: 'Refused: c → a would close the cycle a → b → c → a.',
    });
    expect(store.getState().notice).toEqual({ kind: 'error', text: result.ok ? '' : result.message });
    expect(actions.connect('b', 'a')).toMatchObject({ ok: false, cycle: ['a', 'b', 'a'] });
    expect(edgePairs(store)).toEqual(['a->b', 'b->c', 'a->d']);
    // d → c closes no cycle: c does not reach d
    expect(actions.connect('d', 'c')).toMatchObject({ ok: true });
  });

  it('finds the cycle through a long chain quickly', () => {
    const n = 5_000;
    const store = createEditorStore();
    const { actions } = store.getState();
    const ids = Array.from({ length: n }, (_, i) => `task::t${i}`);
    actions.loadGraph({
      name: 'chain',
      changes: ids.map((id) => ({ id, type: 'task', action: 'create', provider: 'sim', props: {} })),
      current: [],
      edges: ids.slice(1).map((id, i) => ({ source: ids[i] as string, destination: id })),
    });
    const started = performance.now();
    const result = actions.connect(ids[n - 1] as string, ids[0] as string);
    expect(performance.now() - started).toBeLessThan(200);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.cycle).toHaveLength(n + 1);
  });
});

describe('undo and redo', () => {
  it('steps back and forth through changes; a new change drops the redo steps', () => {
    const store = storeWith('a', 'b');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.updateComponent('a', { provider: 'aws' });
    actions.undo();
    expect(store.getState().nodes.find((n) => n.id === 'a')?.data.provider).toBe('sim');
    actions.undo();
    expect(edgePairs(store)).toEqual([]);
    actions.redo();
    expect(edgePairs(store)).toEqual(['a->b']);
    actions.redo();
    expect(store.getState().nodes.find((n) => n.id === 'a')?.data.provider).toBe('aws');
    actions.undo();
    actions.updateComponent('b', { action: 'delete' });
    expect(store.getState().future).toEqual([]);
    actions.redo();
    expect(store.getState().nodes.find((n) => n.id === 'a')?.data.provider).toBe('sim');
  });

  it('undoes a rename, a delete and a clear, and keeps a bounded history', () => {
    const store = storeWith('a', 'b');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.clear();
    expect(store.getState().nodes).toEqual([]);
    actions.undo();
    expect(edgePairs(store)).toEqual(['a->b']);
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) actions.updateComponent('a', { props: { n: i } });
    expect(store.getState().past).toHaveLength(HISTORY_LIMIT);
    // the same fields in another key order are no change
    actions.updateComponent('a', { props: { x: 1, y: { p: 1, q: 2 } } });
    const revision = store.getState().revision;
    actions.updateComponent('a', { props: { y: { q: 2, p: 1 }, x: 1 } });
    expect(store.getState().revision).toBe(revision);
    actions.updateComponent('a', { props: { y: { q: 3, p: 1 }, x: 1 } });
    expect(store.getState().revision).toBe(revision + 1);
  });

  it('makes a drag one undo step, and a click without a move none', () => {
    const store = storeWith('a');
    const { actions } = store.getState();
    const steps = store.getState().past.length;
    actions.beginMove();
    actions.endMove();
    expect(store.getState().past).toHaveLength(steps);
    actions.beginMove();
    actions.onNodesChange([{ type: 'position', id: 'a', position: { x: 5, y: 5 }, dragging: true }]);
    actions.onNodesChange([{ type: 'position', id: 'a', position: { x: 50, y: 60 }, dragging: true }]);
    actions.endMove();
    expect(store.getState().past).toHaveLength(steps + 1);
    actions.undo();
    expect(store.getState().nodes[0]?.position).toEqual({ x: 0, y: 0 });
    // a move with the arrow keys (no drag) is a step too; selection and measuring are none
    actions.onNodesChange([{ type: 'position', id: 'a', position: { x: 5, y: 0 } }]);
    expect(store.getState().past).toHaveLength(steps + 1);
    actions.onNodesChange([{ type: 'select', id: 'a', selected: false }]);
    actions.onNodesChange([{ type: 'dimensions', id: 'a', dimensions: { width: 220, height: 64 } }]);
    expect(store.getState().past).toHaveLength(steps + 1);
  });
});

describe('delete', () => {
  it('removes the selected components with their edges, and selected edges', () => {
    const store = storeWith('a', 'b', 'c', 'd');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.connect('b', 'c');
    actions.connect('c', 'd');
    actions.selectOnly(['b']);
    actions.deleteSelected();
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['a', 'c', 'd']);
    expect(edgePairs(store)).toEqual(['c->d']);
    actions.selectOnly([]);
    actions.onEdgesChange([{ type: 'select', id: store.getState().edges[0]?.id as string, selected: true }]);
    actions.deleteSelected();
    expect(edgePairs(store)).toEqual([]);
    expect(store.getState().nodes).toHaveLength(3);
  });
});

describe('copy and paste', () => {
  it('pastes copies with new suffixed ids, the edges between them, offset and selected', () => {
    const store = storeWith('a', 'b', 'c');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.connect('b', 'c');
    actions.selectOnly(['a', 'b']);
    expect(actions.copySelection()).toBe(2);
    expect(actions.paste()).toEqual(['a-copy', 'b-copy']);
    expect(actions.paste()).toEqual(['a-copy-2', 'b-copy-2']);
    expect(edgePairs(store)).toEqual(['a->b', 'b->c', 'a-copy->b-copy', 'a-copy-2->b-copy-2']);
    const state = store.getState();
    expect(selectedIds(state.nodes)).toEqual(['a-copy-2', 'b-copy-2']);
    const a = state.nodes.find((n) => n.id === 'a');
    const copy = state.nodes.find((n) => n.id === 'a-copy-2');
    expect(copy?.data).toEqual(a?.data);
    expect(copy?.position).toEqual({ x: (a?.position.x ?? 0) + 80, y: (a?.position.y ?? 0) + 80 });
    actions.undo();
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['a', 'b', 'c', 'a-copy', 'b-copy']);
  });
});

describe('renameComponent', () => {
  it('renames a component and every edge naming it; refuses a taken or empty id', () => {
    const store = storeWith('a', 'b', 'c');
    const { actions } = store.getState();
    actions.connect('a', 'b');
    actions.connect('b', 'c');
    expect(actions.renameComponent('b', ' vpc::middle ')).toEqual({ ok: true });
    expect(edgePairs(store)).toEqual(['a->vpc::middle', 'vpc::middle->c']);
    expect(store.getState().edges.map((e) => e.id)).toEqual([
      JSON.stringify(['a', 'vpc::middle']),
      JSON.stringify(['vpc::middle', 'c']),
    ]);
    expect(actions.renameComponent('a', 'c')).toMatchObject({ ok: false });
    expect(actions.renameComponent('a', '')).toMatchObject({ ok: false });
    // the renamed edges still count for cycles
    expect(actions.connect('c', 'a')).toMatchObject({ ok: false, cycle: ['a', 'vpc::middle', 'c', 'a'] });
  });
});

describe('loadGraph', () => {
  it('replaces the graph as one undoable step and reports whether it had positions', () => {
    const store = storeWith('old');
    const { actions } = store.getState();
    const loaded = actions.loadGraph({
      name: 'shop',
      changes: [
        { id: 'x', type: 'vpc', action: 'create', provider: 'sim', props: {} },
        { id: 'y', type: 'network', action: 'create', provider: 'sim', props: {} },
      ],
      current: [],
      edges: [{ source: 'x', destination: 'y' }],
    });
    expect(loaded.positioned).toBe(false);
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['x', 'y']);
    // the quick placement puts y right of x
    const [x, y] = store.getState().nodes;
    expect((y?.position.x ?? 0) > (x?.position.x ?? 0)).toBe(true);
    actions.undo();
    expect(store.getState().nodes.map((n) => n.id)).toEqual(['old']);
  });
});
