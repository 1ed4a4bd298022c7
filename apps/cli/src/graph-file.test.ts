import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from './errors';
import { detectSyntax, parseGraphText, readGraphFile, toBuildRequest } from './graph-file';
import { findJsonSyntaxError, lineColumn } from './json-syntax';

const GRAPH = {
  id: 'demo',
  edges: [{ source: 'vpc::prod', destination: 'net::a' }],
  components: [],
  changes: [
    { _component_id: 'vpc::prod', _component: 'vpc', _action: 'create', _provider: 'sim' },
    {
      _component_id: 'net::a',
      _component: 'network',
      _action: 'create',
      _provider: 'sim',
      range: '10.0.0.0/24',
    },
  ],
};

const YAML_GRAPH = `# the same graph as GRAPH
id: demo
edges:
  - {source: "vpc::prod", destination: "net::a"}
components: []
changes:
  - _component_id: vpc::prod
    _component: vpc
    _action: create
    _provider: sim
  - _component_id: net::a
    _component: network
    _action: create
    _provider: sim
    range: 10.0.0.0/24
`;

function inputError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    return (error as Error).message;
  }
  throw new Error('expected an InputError');
}

describe('parseGraphText', () => {
  it('reads JSON and YAML of the same shape to the same value', () => {
    expect(parseGraphText(JSON.stringify(GRAPH), 'g.json')).toEqual(GRAPH);
    expect(parseGraphText(YAML_GRAPH, 'g.yaml')).toEqual(GRAPH);
    expect(parseGraphText(YAML_GRAPH, 'g.yml')).toEqual(GRAPH);
    expect(parseGraphText(`\uFEFF${JSON.stringify(GRAPH)}`, 'g.json')).toEqual(GRAPH);
  });

  it('detects the syntax by extension, else by content', () => {
    expect(detectSyntax('g.JSON', 'a: 1')).toBe('json');
    expect(detectSyntax('g.yaml', '{"a": 1}')).toBe('yaml');
    expect(detectSyntax('<stdin>', '\n  {"a": 1}')).toBe('json');
    expect(detectSyntax('graph', 'a: 1')).toBe('yaml');
    expect(parseGraphText(YAML_GRAPH, 'graph.txt')).toEqual(GRAPH);
  });

  it('names file, line and column of a JSON error and shows the line', () => {
    const text = '{\n  "id": "demo",\n  "changes": [tru]\n}\n';
    expect(inputError(() => parseGraphText(text, 'g.json'))).toBe(
      [
        'g.json:3:18: invalid JSON: invalid literal: expected true',
        '  3 |   "changes": [tru]',
        '    |                  ^',
      ].join('\n'),
    );
  });

  it.each([
    ['{"a": 1,}', 1, 9, 'expected a double-quoted property name'],
    ['{"a": 1', 1, 8, 'unexpected end of input'],
    ['', 1, 1, 'unexpected end of input'],
    ["{'a': 1}", 1, 2, 'expected a double-quoted property name'],
    ['{"a" 1}', 1, 6, "expected ':' after a property name"],
    ['[1, 2]\nx', 2, 1, 'unexpected content after the JSON value'],
    ['{"a": "x\ny"}', 1, 9, 'control character in a string'],
    ['{"a": 01}', 1, 8, "expected ',' or '}' after a property value"],
    ['{"a": "\\q"}', 1, 8, 'invalid escape sequence \\q'],
    ['[1 2]', 1, 4, "expected ',' or ']' after an array element"],
  ])('locates the JSON error in %j at %i:%i', (text, line, column, reason) => {
    const found = findJsonSyntaxError(text);
    expect(found?.reason).toContain(reason);
    expect(lineColumn(text, found?.offset ?? -1)).toEqual({ line, column });
    expect(inputError(() => parseGraphText(text, 'g.json'))).toContain(
      `g.json:${line}:${column}: invalid JSON:`,
    );
  });

  it('finds no error in valid JSON', () => {
    expect(
      findJsonSyntaxError(JSON.stringify({ a: [1, -2.5e3, 'x\\"y\u00e9', true, false, null, {}] })),
    ).toBe(undefined);
  });

  it('names file, line and column of a YAML error', () => {
    const text = 'id: demo\nchanges:\n  - _component_id: a\n   _component: vpc\n';
    const message = inputError(() => parseGraphText(text, 'g.yaml'));
    expect(message).toMatch(/^g\.yaml:4:\d+: invalid YAML: /);
    expect(message).toContain('  4 |    _component: vpc');
  });

  it('reports duplicate keys, several documents and unresolved aliases in YAML', () => {
    expect(inputError(() => parseGraphText('id: a\nid: b\n', 'g.yaml'))).toContain(
      'g.yaml:2:1: invalid YAML: duplicate key',
    );
    expect(inputError(() => parseGraphText('id: a\n---\nid: b\n', 'g.yaml'))).toContain(
      'holds one YAML document',
    );
    expect(inputError(() => parseGraphText('id: *nowhere\n', 'g.yaml'))).toContain('g.yaml: invalid YAML:');
  });

  it('wants an object at the top level', () => {
    expect(inputError(() => parseGraphText('[1, 2]', 'g.json'))).toBe(
      'g.json: expected a graph (an object with changes, digraph or ordo) at the top level, found a list',
    );
    expect(inputError(() => parseGraphText('', 'g.yaml'))).toContain('found nothing');
    expect(inputError(() => parseGraphText('just words', 'g.yaml'))).toContain('found a string');
  });
});

describe('readGraphFile', () => {
  it('reads a file from disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-cli-'));
    const path = join(dir, 'graph.yaml');
    await writeFile(path, YAML_GRAPH);
    expect(await readGraphFile(path)).toEqual(GRAPH);
    // relative to the given working directory, named as given
    expect(await readGraphFile('graph.yaml', { cwd: dir })).toEqual(GRAPH);
    await expect(readGraphFile('nope.yaml', { cwd: dir })).rejects.toThrow(
      'cannot read nope.yaml: no such file',
    );
  });

  it('says which file it cannot read and why', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ordo-cli-'));
    await expect(readGraphFile(join(dir, 'missing.json'))).rejects.toThrow(
      `cannot read ${join(dir, 'missing.json')}: no such file`,
    );
    await expect(readGraphFile(dir)).rejects.toThrow(`cannot read ${dir}: is a directory`);
  });

  it('calls standard input <stdin> in messages', async () => {
    await expect(readGraphFile('-', { read: async () => '{' })).rejects.toThrow('<stdin>:1:2: invalid JSON');
  });
});

describe('toBuildRequest', () => {
  it('wraps a bare graph with the flags; policy fail-fast unless given', () => {
    expect(toBuildRequest(GRAPH, { simulate: false }, 'g.json')).toEqual({
      graph: GRAPH,
      simulate: false,
      policy: 'fail-fast',
    });
    expect(
      toBuildRequest(
        GRAPH,
        { simulate: true, environment: 'prod', policy: 'continue', concurrency: 3 },
        'g.json',
      ),
    ).toEqual({ graph: GRAPH, environment: 'prod', simulate: true, policy: 'continue', concurrency: 3 });
  });

  it('takes a wrapped request as defaults that flags override', () => {
    const file = { graph: GRAPH, environment: 'staging', simulate: true, policy: 'continue', concurrency: 2 };
    expect(toBuildRequest(file, { simulate: false, environment: 'prod' }, 'w.json')).toEqual({
      graph: GRAPH,
      environment: 'prod',
      simulate: true,
      policy: 'continue',
      concurrency: 2,
    });
    expect(() => toBuildRequest({ graph: GRAPH, policy: 'yolo' }, { simulate: false }, 'w.json')).toThrow(
      'w.json: policy:',
    );
  });
});
