import type { Component } from '@ordo/core';
import { describe, expect, it } from 'vitest';
import { buildPlan, mergeCurrent, stableJson } from './plan';

const c = (id: string, action: string, props: Record<string, unknown>): Component => ({
  id,
  type: id.split('::')[0] ?? id,
  action,
  provider: 'sim',
  props,
});

describe('buildPlan', () => {
  it('groups by action and lists the fields each component changes', () => {
    const current = [
      c('vpc::a', 'create', { subnet: '10.0.0.0/16', vpc_id: 'vpc-1' }),
      c('fw::old', 'create', { x: 1 }),
    ];
    const plan = buildPlan(
      {
        changes: [
          c('vpc::a', 'update', { subnet: '10.1.0.0/16' }),
          // biome-ignore lint/suspicious/noTemplateCurlyInString: an Ordo template, not a JS one
          c('net::b', 'create', { vpc: '${vpc::a.vpc_id}', range: '10.1.1.0/24' }),
          c('fw::old', 'delete', {}),
          c('creds::x', 'none', { region: 'eu' }),
        ],
      },
      current,
    );
    expect(plan.map((g) => g.action)).toEqual(['create', 'update', 'delete', 'none']);
    const update = plan[1]?.items[0];
    expect(update?.exists).toBe(true);
    expect(update?.changes).toEqual([
      {
        field: 'subnet',
        current: '10.0.0.0/16',
        desired: '10.1.0.0/16',
        change: 'changed',
        templated: false,
      },
    ]);
    const create = plan[0]?.items[0];
    expect(create?.changes.map((f) => [f.field, f.change, f.templated])).toEqual([
      ['vpc', 'added', true],
      ['range', 'added', false],
    ]);
    expect(plan[2]?.items[0]?.changes).toEqual([
      { field: 'x', current: 1, desired: undefined, change: 'removed', templated: false },
    ]);
  });

  it("keeps the graph's own current components over the environment's", () => {
    const merged = mergeCurrent(
      [c('a', 'create', { v: 1 })],
      [c('a', 'create', { v: 2 }), c('b', 'create', {})],
    );
    expect(merged.map((m) => [m.id, m.props.v])).toEqual([
      ['a', 1],
      ['b', undefined],
    ]);
  });

  it('compares values whatever their key order', () => {
    expect(stableJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(stableJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  });
});
