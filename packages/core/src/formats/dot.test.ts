import { describe, expect, it } from 'vitest';
import type { Graph } from '../graph/model';
import { dotString, exportDot } from './dot';

describe('dotString', () => {
  it('escapes quotes, backslashes and line breaks', () => {
    expect(dotString('plain')).toBe('"plain"');
    expect(dotString('say "hi"')).toBe('"say \\"hi\\""');
    expect(dotString('C:\\dir\\')).toBe('"C:\\\\dir\\\\"');
    expect(dotString('a\nb\r\nc\rd')).toBe('"a\\nb\\nc\\nd"');
    expect(dotString('\\"')).toBe('"\\\\\\""');
  });
});

describe('exportDot', () => {
  it('writes one node per change with id, action and provider, and one line per edge', () => {
    const graph: Graph = {
      name: 'shop',
      current: [],
      changes: [
        { id: 'vpc::shop', type: 'vpc', action: 'create', provider: 'sim', props: {} },
        { id: 'network::shop', type: 'network', action: 'update', provider: 'aws', props: {} },
      ],
      edges: [{ source: 'vpc::shop', destination: 'network::shop' }],
    };
    expect(exportDot(graph)).toBe(
      [
        'digraph "shop" {',
        '  rankdir=LR;',
        '  node [shape=box];',
        '  "vpc::shop" [label="vpc::shop\\ncreate sim"];',
        '  "network::shop" [label="network::shop\\nupdate aws"];',
        '  "vpc::shop" -> "network::shop";',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('escapes hostile ids and names so that no string ends early', () => {
    const id = 'evil"];\n"x\\';
    const graph: Graph = {
      name: 'my "graph"\\',
      current: [],
      changes: [{ id, type: 't', action: 'create', provider: 'sim', props: {} }],
      edges: [{ source: id, destination: id }],
    };
    const dot = exportDot(graph);
    expect(dot.split('\n')).toEqual([
      'digraph "my \\"graph\\"\\\\" {',
      '  rankdir=LR;',
      '  node [shape=box];',
      '  "evil\\"];\\n\\"x\\\\" [label="evil\\"];\\n\\"x\\\\\\ncreate sim"];',
      '  "evil\\"];\\n\\"x\\\\" -> "evil\\"];\\n\\"x\\\\";',
      '}',
      '',
    ]);
    // Every line holds an even number of unescaped quotes: strings open and close in the line.
    for (const line of dot.split('\n')) {
      const unescaped = line.replace(/\\\\/g, '').replace(/\\"/g, '').split('"').length - 1;
      expect(unescaped % 2).toBe(0);
    }
  });
});
