// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Ordo templates, not JavaScript ones
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import ernestExample from '../formats/fixtures/ernest-mapping.example.json' with { type: 'json' };
import gorchExample from '../formats/fixtures/gorch.example.json' with { type: 'json' };
import { parseGraph } from '../formats/index';
import type { Component, Graph, ValidationIssue } from '../graph/model';
import { validateGraph } from './validate-graph';

function component(id: string, extra: Partial<Component> = {}): Component {
  return { id, type: 'vpc', action: 'create', provider: 'sim', props: {}, ...extra };
}

function graph(changes: Component[], edges: [string, string][] = [], current: Component[] = []): Graph {
  return {
    name: 'g',
    changes,
    current,
    edges: edges.map(([source, destination]) => ({ source, destination })),
  };
}

function summary(issues: ValidationIssue[]): string[] {
  return issues.map((i) => `${i.code} ${i.path} ${i.ids.join(',')}`);
}

function parsed(input: unknown): Graph {
  const result = parseGraph(input);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.graph;
}

describe('validateGraph on the shared examples', () => {
  it('finds nothing wrong with the Ernest example and its templates', () => {
    expect(validateGraph(parsed(ernestExample), { servedProviders: new Set(['sim']) })).toEqual([]);
  });

  it('finds nothing wrong with the gorch example when its engines are served', () => {
    const served = new Set(['nil', 'sleep', 'shell', 'http']);
    expect(validateGraph(parsed(gorchExample), { servedProviders: served })).toEqual([]);
  });

  it('$(…) templates need no ancestor, ${…} templates do', () => {
    const g = parsed(ernestExample);
    g.edges = g.edges.filter((e) => e.source !== 'credentials::sim');
    expect(summary(validateGraph(g))).toEqual([]);
    // `$(…)` reads the environment; only `${id.field}` needs an ancestor (see network::shop-public below)
    g.edges = g.edges.filter((e) => !(e.source === 'vpc::shop' && e.destination === 'network::shop-public'));
    expect(summary(validateGraph(g))).toEqual([
      'template_not_ancestor $.changes[2].vpc_id network::shop-public,vpc::shop',
    ]);
  });
});

describe('validateGraph, one code at a time', () => {
  it('payload_too_large', () => {
    const g = graph([component('a')]);
    expect(validateGraph(g, { maxBytes: 100, inputBytes: 100 })).toEqual([]);
    expect(validateGraph(g, { maxBytes: 100, inputBytes: 101 })).toEqual([
      {
        code: 'payload_too_large',
        message: 'the graph is 101 bytes, over the limit of 100 bytes',
        ids: [],
        path: '$',
      },
    ]);
  });

  it('missing_field', () => {
    const g = graph(
      [component(''), component('b', { type: '', action: '', provider: '' })],
      [],
      [component('')],
    );
    expect(summary(validateGraph(g))).toEqual([
      'missing_field $.changes[0]._component_id ',
      'missing_field $.changes[1]._component b',
      'missing_field $.changes[1]._action b',
      'missing_field $.changes[1]._provider b',
      'missing_field $.components[0]._component_id ',
    ]);
  });

  it('a none component needs no provider and no executor', () => {
    const g = graph([
      component('creds', { action: 'none', provider: '' }),
      component('n', { action: 'none' }),
    ]);
    expect(validateGraph(g, { servedProviders: new Set() })).toEqual([]);
  });

  it('duplicate_id for every later occurrence of an id in changes, in order, naming the first', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c', ''), { maxLength: 10 }), (ids) => {
        const issues = validateGraph(graph(ids.map((id) => component(id)))).filter(
          (i) => i.code === 'duplicate_id',
        );
        const expected = ids.flatMap((id, i) =>
          id !== '' && ids.indexOf(id) < i
            ? [
                `$.changes[${i}]._component_id: component id "${id}" appears more than once ($.changes[${ids.indexOf(id)}] and $.changes[${i}])`,
              ]
            : [],
        );
        expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual(expected);
      }),
    );
  });

  it('duplicate_id, in changes and in components, but not across them', () => {
    const g = graph(
      [component('a'), component('b'), component('a')],
      [],
      [component('b'), component('c'), component('c')],
    );
    const issues = validateGraph(g);
    expect(summary(issues)).toEqual([
      'duplicate_id $.changes[2]._component_id a',
      'duplicate_id $.components[2]._component_id c',
    ]);
    expect(issues[0]?.message).toBe(
      'component id "a" appears more than once ($.changes[0] and $.changes[2])',
    );
  });

  it('unknown_action', () => {
    const issues = validateGraph(graph([component('a', { action: 'explode' })]));
    expect(issues).toEqual([
      {
        code: 'unknown_action',
        message:
          'component "a" has unknown action "explode"; expected one of create, update, delete, get, find, none',
        ids: ['a'],
        path: '$.changes[0]._action',
      },
    ]);
  });

  it('invalid_subject_token for type, action and provider', () => {
    const g = graph([
      component('a', { type: 'v.pc', action: 'cre ate', provider: 'aws>' }),
      component('b::x.y'),
    ]);
    expect(summary(validateGraph(g))).toEqual([
      'invalid_subject_token $.changes[0]._component a',
      'unknown_action $.changes[0]._action a',
      'invalid_subject_token $.changes[0]._action a',
      'invalid_subject_token $.changes[0]._provider a',
    ]);
  });

  it('unserved_provider unless simulating', () => {
    const g = graph([component('a', { provider: 'aws' }), component('b', { provider: 'sim' })]);
    const served = new Set(['sim']);
    expect(validateGraph(g, { servedProviders: served })).toEqual([
      {
        code: 'unserved_provider',
        message:
          'component "a" uses provider "aws", which no executor serves (served: sim); run it simulated to rehearse',
        ids: ['a'],
        path: '$.changes[0]._provider',
      },
    ]);
    expect(validateGraph(g, { servedProviders: served, simulate: true })).toEqual([]);
    expect(validateGraph(g)).toEqual([]);
  });

  it('unknown_edge_component; a source only in components is already satisfied', () => {
    const g = graph(
      [component('a'), component('b')],
      [
        ['old', 'a'],
        ['a', 'ghost'],
        ['nobody', 'b'],
        ['a', 'old'],
      ],
      [component('old')],
    );
    const issues = validateGraph(g);
    expect(summary(issues)).toEqual([
      'unknown_edge_component $.edges[1].destination ghost',
      'unknown_edge_component $.edges[2].source nobody',
      'unknown_edge_component $.edges[3].destination old',
    ]);
    expect(issues[0]?.message).toBe(
      'edge "a" → "ghost": destination "ghost" is not a component of changes or components',
    );
    expect(issues[2]?.message).toContain(
      'is only in components (the current state), not in changes, so it would never run',
    );
  });

  it('cycle: one per strongly connected component, in order, self-loops too', () => {
    const g = graph(
      [component('a'), component('b'), component('c'), component('d'), component('e'), component('f')],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
        ['c', 'd'],
        ['e', 'e'],
        ['d', 'f'],
      ],
    );
    const issues = validateGraph(g);
    expect(issues).toEqual([
      { code: 'cycle', message: 'cycle: "a" → "b" → "c" → "a"', ids: ['a', 'b', 'c'], path: '$.edges[2]' },
      { code: 'cycle', message: 'cycle: "e" → "e"', ids: ['e'], path: '$.edges[4]' },
    ]);
  });

  it('a cycle through components only in current is no cycle of the build', () => {
    const g = graph([component('a')], [['x', 'a']], [component('x'), component('y')]);
    expect(validateGraph(g)).toEqual([]);
  });

  it('unknown_template_component for ${} and for #[_component_id] selectors', () => {
    const g = graph(
      [
        component('a'),
        component('b', {
          props: {
            x: '${ghost.field}',
            nested: { list: ['$(components.#[_component_id="phantom"].region)'] },
            fine: '$(components.#[_component_id="old"].region) ${old.id} ${a.id}',
          },
        }),
      ],
      [['a', 'b']],
      [component('old')],
    );
    const issues = validateGraph(g);
    expect(summary(issues)).toEqual([
      'unknown_template_component $.changes[1].x b',
      'unknown_template_component $.changes[1].nested.list[0] b,phantom',
    ]);
    expect(issues[0]?.message).toBe(
      'component "b": template ${ghost.field} names no component of changes or components',
    );
  });

  it('template_not_ancestor: a sibling or a descendant is not readable, an ancestor far up is', () => {
    const g = graph(
      [
        component('root'),
        component('left'),
        component('right', {
          props: { a: '${left.id}', b: '${root.id}', c: '${leaf.id}', d: '${right.id}' },
        }),
        component('leaf'),
      ],
      [
        ['root', 'left'],
        ['root', 'right'],
        ['right', 'leaf'],
      ],
    );
    const issues = validateGraph(g);
    expect(summary(issues)).toEqual([
      'template_not_ancestor $.changes[2].a right,left',
      'template_not_ancestor $.changes[2].c right,leaf',
      'template_not_ancestor $.changes[2].d right,right',
    ]);
    expect(issues[0]?.message).toBe(
      'component "right": template ${left.id} reads "left", which is neither an ancestor of it through edges nor in components, so its value could not exist yet',
    );
  });

  it('a component both in changes and in components may be read by anyone', () => {
    const g = graph(
      [component('vpc', { action: 'update' }), component('x', { props: { v: '${vpc.id}' } })],
      [],
      [component('vpc')],
    );
    expect(validateGraph(g)).toEqual([]);
  });

  it('ids with dots: the longest known prefix is the id', () => {
    const g = graph(
      [component('a.b'), component('a'), component('x', { props: { v: '${a.b.c}' } })],
      [['a', 'x']],
    );
    expect(summary(validateGraph(g))).toEqual(['template_not_ancestor $.changes[2].v x,a.b']);
  });
});

describe('validateGraph on hostile input', () => {
  it('nesting_too_deep instead of a stack overflow', () => {
    let deep: unknown = '${a.id}';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const g = graph([component('a'), component('b', { props: { deep } })], [['a', 'b']]);
    expect(summary(validateGraph(g))).toEqual(['nesting_too_deep $.changes[1] b']);
  });
});

describe('validateGraph with many problems at once', () => {
  it('reports all of them', () => {
    const g = graph(
      [
        component('a', { action: 'explode', provider: 'aws' }),
        component('a'),
        component('b', { type: '', props: { v: '${c.id}', w: '${nope.x}' } }),
        component('c'),
      ],
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'b'],
        ['a', 'missing'],
      ],
    );
    expect(
      summary(validateGraph(g, { servedProviders: new Set(['sim']), maxBytes: 10, inputBytes: 11 })),
    ).toEqual([
      'payload_too_large $ ',
      'unknown_action $.changes[0]._action a',
      'unserved_provider $.changes[0]._provider a',
      'duplicate_id $.changes[1]._component_id a',
      'missing_field $.changes[2]._component b',
      'unknown_edge_component $.edges[3].destination missing',
      'cycle $.edges[2] b,c',
      'unknown_template_component $.changes[2].w b',
    ]);
  });
});
