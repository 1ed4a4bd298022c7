import { type AttemptRecord, type ComponentRun, createBuild, parseGraph, savedComponent } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import {
  type ComponentColumns,
  historyByComponent,
  runExtras,
  savedRun,
  wholeRunHistory,
} from './component-run';

function component(): ComponentRun {
  const parsed = parseGraph({
    id: 'one',
    edges: [],
    components: [],
    changes: [{ _component_id: 'vm::a', _component: 'vm', _action: 'create', _provider: 'sim' }],
  });
  if (!parsed.ok) throw new Error('the test graph does not parse');
  const state = createBuild({
    id: 'b',
    environment: 'e',
    graph: parsed.graph,
    policy: 'fail-fast',
    seed: 1,
    createdAt: 0,
  });
  return state.components[0] as ComponentRun;
}

/** The row and the history (from its Attempt rows) the store writes for `c`, read back. */
function stored(c: ComponentRun): { row: ComponentColumns; history: AttemptRecord[] } {
  return {
    row: {
      state: c.state,
      attempt: c.attempt,
      triesLeft: c.triesLeft,
      outputs: JSON.parse(JSON.stringify(c.outputs)),
      error: c.error,
      deadline: c.deadline,
      retryAt: c.retryAt,
      cancelRequested: c.cancelRequested,
      approved: c.approved,
      run: JSON.parse(JSON.stringify(runExtras(c))),
    },
    history:
      historyByComponent(
        c.history.map((a) => ({
          componentId: c.id,
          attempt: a.attempt,
          dispatchedAt: a.dispatchedAt,
          finishedAt: a.finishedAt ?? null,
          status: a.status,
          error: a.error ?? null,
        })),
      ).get(c.id) ?? [],
  };
}

describe('a component as the store keeps it', () => {
  it('gives back every saved field, from the columns, the Attempt rows and `run`', () => {
    const c = component();
    Object.assign(c, {
      state: 'waiting',
      attempt: 2,
      triesLeft: 1,
      outputs: { ip: '10.0.0.1' },
      error: 'quota "exceeded"',
      history: [
        { attempt: 1, dispatchedAt: 1_000, status: 'errored', finishedAt: 1_500, error: 'quota "exceeded"' },
        { attempt: 2, dispatchedAt: 2_000, status: 'running' },
      ],
      payload: { _component_id: 'vm::a', size: 2 },
      deadline: 9_000,
      retryAt: 3_000,
      retryDue: true,
      cancelRequested: true,
      cancelGraceAt: 4_000,
      awaitingApproval: true,
      approved: true,
    } satisfies Partial<ComponentRun>);
    const { row, history } = stored(c);
    expect(JSON.stringify(savedRun(row, history))).toBe(JSON.stringify(savedComponent(c)));
  });

  it('keeps in `run` only what no column holds, defaults left out', () => {
    const c = component();
    expect(runExtras(c)).toEqual({});
    c.retryDue = true;
    c.awaitingApproval = true;
    expect(runExtras(c)).toEqual({ retryDue: true, awaitingApproval: true });
    // unchanged since creation (no `run`): nothing to restore
    expect(savedRun({ ...stored(c).row, run: null }, [])).toBeUndefined();
    // a settled component's `run` is `{}`, and restores its defaults
    const settled = component();
    expect(JSON.stringify(savedRun(stored(settled).row, []))).toBe(JSON.stringify(savedComponent(settled)));
  });

  it('reads rows of the earlier layout (the whole saved component in `run`) as they are', () => {
    const c = component();
    c.state = 'completed';
    c.history = [{ attempt: 1, dispatchedAt: 1_000, status: 'completed', finishedAt: 1_200 }];
    const whole = JSON.parse(JSON.stringify(savedComponent(c)));
    // columns that disagree with `run` lose: the earlier layout kept everything in `run`
    const row = { ...stored(component()).row, run: whole };
    expect(savedRun(row, [])).toEqual(whole);
    expect(wholeRunHistory(whole)).toEqual(c.history);
    expect(wholeRunHistory({})).toBeUndefined();
  });
});
