import { describe, expect, it } from 'vitest';
import { deriveDeleteGraph } from './delete-graph';
import { apply, build, component, dispatchedIds, done, graph } from './test-support';

describe('rule 9: delete builds', () => {
  const current = [
    component('credentials::aws', { action: 'none', props: { region: 'eu' }, state: 'completed' }),
    component('vpc::a', { props: { cidr: '10.0.0.0/16' }, state: 'completed' }),
    component('net::a', { action: 'update', state: 'completed' }),
    component('instance::a', { state: 'completed' }),
  ];
  const edges = [
    { source: 'credentials::aws', destination: 'vpc::a' },
    { source: 'vpc::a', destination: 'net::a' },
    { source: 'net::a', destination: 'instance::a' },
    { source: 'start', destination: 'vpc::a' },
  ];

  it('reverses the environment edges and deletes every resource', () => {
    const g = deriveDeleteGraph({ name: 'prod', current, edges });
    expect(g.name).toBe('prod');
    expect(g.changes.map((c) => `${c.id}:${c.action}`)).toEqual([
      'credentials::aws:none',
      'vpc::a:delete',
      'net::a:delete',
      'instance::a:delete',
    ]);
    expect(g.changes.every((c) => c.state === undefined)).toBe(true);
    expect(g.changes[1]?.props).toEqual({ cidr: '10.0.0.0/16' });
    expect(g.current).toEqual(current);
    expect(g.edges).toEqual([
      { source: 'vpc::a', destination: 'credentials::aws' },
      { source: 'net::a', destination: 'vpc::a' },
      { source: 'instance::a', destination: 'net::a' },
    ]);
  });

  it('runs a derived delete graph dependants first and empties the environment of resources', () => {
    const s = build(deriveDeleteGraph({ name: 'prod', current, edges }));
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['instance::a']);
    expect(dispatchedIds(apply(s, done('instance::a'), 1).commands)).toEqual(['net::a']);
    expect(dispatchedIds(apply(s, done('net::a'), 2).commands)).toEqual(['vpc::a']);
    apply(s, done('vpc::a'), 3);
    expect(s.status).toBe('completed');
    expect(Object.keys(s.environmentState)).toEqual(['credentials::aws']);
  });

  it('createBuild runs an imported delete mapping as given, without reversing it', () => {
    const del = (id: string) => component(id, { action: 'delete' });
    // the mapper already put the edges in deletion order: instance before network
    const s = build(
      graph([del('net::a'), del('instance::a')], [['instance::a', 'net::a']], ['net::a', 'instance::a']),
    );
    expect(dispatchedIds(apply(s, { kind: 'start' }).commands)).toEqual(['instance::a']);
    expect(dispatchedIds(apply(s, done('instance::a'), 1).commands)).toEqual(['net::a']);
  });
});
