import { describe, expect, it } from 'vitest';
import {
  formatBuildTable,
  formatComponentTable,
  formatDetails,
  formatEventLine,
  formatJson,
  formatSummary,
  formatTable,
  oneLine,
} from './format';
import type { BuildDetail, RestEvent } from './rest-schemas';

function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching colour codes is the point
  return text.replace(/\u001b\[\d+m/g, '');
}

const AT = Date.UTC(2026, 10, 22, 9, 5, 7);
const plain = { color: false, timeZone: 'utc', idWidth: 9 } as const;
const coloured = { ...plain, color: true } as const;

function event(fields: Partial<RestEvent>): RestEvent {
  return { seq: 1, at: AT, type: 'component_state', ...fields };
}

describe('formatEventLine', () => {
  it('prints time, component, state', () => {
    expect(formatEventLine(event({ component_id: 'vpc::prod', state: 'running' }), plain)).toBe(
      '09:05:07  vpc::prod  running',
    );
  });

  it('pads short ids so that states line up, and calls build events "build"', () => {
    expect(formatEventLine(event({ type: 'build_state', state: 'completed' }), plain)).toBe(
      '09:05:07  build      completed',
    );
  });

  it('adds the error message of an errored component, and the attempt after the first', () => {
    expect(
      formatEventLine(
        event({ component_id: 'net::a', state: 'errored', message: 'quota exceeded', attempt: 2 }),
        plain,
      ),
    ).toBe('09:05:07  net::a     errored     attempt 2: quota exceeded');
  });

  it('names the operator of an action', () => {
    expect(
      formatEventLine(
        event({ type: 'action', component_id: 'net::a', action: 'retry', actor: 'alice@laptop' }),
        plain,
      ),
    ).toBe('09:05:07  net::a     retry       by alice@laptop');
    expect(
      formatEventLine(
        event({ type: 'action', action: 'cancel', actor: 'bob@ci', message: 'stop it' }),
        plain,
      ),
    ).toBe('09:05:07  build      cancel      by bob@ci: stop it');
  });

  it('prints log lines', () => {
    expect(formatEventLine(event({ type: 'log', component_id: 'net::a', message: 'creating' }), plain)).toBe(
      '09:05:07  net::a     log         creating',
    );
  });

  it('colours states: completed green, errored red, running yellow, cancelled and blocked grey', () => {
    const line = (state: string) => formatEventLine(event({ component_id: 'a', state }), coloured);
    expect(line('completed')).toBe('09:05:07  a          \u001b[32mcompleted\u001b[0m');
    expect(line('errored')).toBe('09:05:07  a          \u001b[31merrored\u001b[0m');
    expect(line('running')).toBe('09:05:07  a          \u001b[33mrunning\u001b[0m');
    expect(line('cancelled')).toBe('09:05:07  a          \u001b[90mcancelled\u001b[0m');
    expect(line('blocked')).toBe('09:05:07  a          \u001b[90mblocked\u001b[0m');
    expect(line('waiting')).toBe('09:05:07  a          waiting');
  });

  it('keeps columns aligned when coloured', () => {
    const line = formatEventLine(event({ component_id: 'a', state: 'errored', message: 'boom' }), coloured);
    expect(line).not.toBe(stripAnsi(line));
    expect(stripAnsi(line)).toBe(
      formatEventLine(event({ component_id: 'a', state: 'errored', message: 'boom' }), plain),
    );
  });

  it('accepts ISO times and keeps a server message on one line with no control characters', () => {
    expect(
      formatEventLine(
        event({
          at: '2026-11-22T09:05:07.000Z',
          component_id: 'a',
          state: 'errored',
          message: 'line 1\nline 2\u001b[2J',
        }),
        plain,
      ),
    ).toBe('09:05:07  a          errored     line 1 ⏎ line 2?[2J');
  });
});

const BUILD: BuildDetail = {
  id: 'b-1',
  environment: 'prod',
  state: 'errored',
  created_at: AT,
  finished_at: null,
  components: [
    {
      _component_id: 'vpc::prod',
      _component: 'vpc',
      _action: 'create',
      _provider: 'sim',
      _state: 'completed',
      attempts: 1,
    },
    {
      _component_id: 'net::a',
      _component: 'network',
      _action: 'create',
      _provider: 'sim',
      _state: 'errored',
      attempts: 3,
      error: 'quota exceeded',
    },
    {
      _component_id: 'dns::a',
      _component: 'dns',
      _action: 'create',
      _provider: 'sim',
      _state: 'blocked',
      attempts: 0,
    },
  ],
  edges: [],
};

describe('formatSummary', () => {
  it('counts components by state: completed and errored always, others when present', () => {
    expect(formatSummary(BUILD, plain)).toBe('build b-1 errored: 1 completed, 1 errored, 1 blocked');
    expect(formatSummary({ ...BUILD, state: 'completed', components: [] }, plain)).toBe(
      'build b-1 completed: 0 completed, 0 errored',
    );
    expect(formatSummary(BUILD, coloured)).toContain('build b-1 \u001b[31merrored\u001b[0m: ');
  });
});

describe('tables', () => {
  it('lays out components with aligned columns and no trailing spaces', () => {
    expect(formatComponentTable(BUILD.components, plain)).toBe(
      [
        'COMPONENT  ACTION  STATE      ATTEMPTS  ERROR',
        'vpc::prod  create  completed  1',
        'net::a     create  errored    3         quota exceeded',
        'dns::a     create  blocked    0',
      ].join('\n'),
    );
  });

  it('measures widths before colouring', () => {
    const table = formatComponentTable(BUILD.components, coloured);
    expect(stripAnsi(table)).toBe(formatComponentTable(BUILD.components, plain));
    expect(table).toContain('\u001b[31merrored\u001b[0m    3');
  });

  it('lists builds with their times', () => {
    expect(
      formatBuildTable(
        [
          {
            id: 'b-1',
            environment: 'prod',
            state: 'completed',
            created_at: AT,
            finished_at: '2026-11-22T09:06:00Z',
          },
          { id: 'b-22', environment: null, state: 'running', created_at: AT, finished_at: null },
        ],
        plain,
      ),
    ).toBe(
      [
        'ID    ENVIRONMENT  STATE      CREATED              FINISHED',
        'b-1   prod         completed  2026-11-22 09:05:07  2026-11-22 09:06:00',
        'b-22               running    2026-11-22 09:05:07',
      ].join('\n'),
    );
  });

  it('puts a multi-line cell on one line', () => {
    expect(formatTable(['A', 'B'], [['x\ny', 'z']])).toBe('A      B\nx ⏎ y  z');
    expect(oneLine('a\r\n  b')).toBe('a ⏎ b');
  });
});

describe('formatDetails', () => {
  it('prints one validation problem a line, with its code and path', () => {
    expect(
      formatDetails([
        { code: 'cycle', message: 'cycle: "a" → "b" → "a"', ids: ['a', 'b'], path: '$.edges[1]' },
        {
          code: 'unknown_action',
          message: 'changes[0] "a" has unknown action "make"',
          path: '$.changes[0]._action',
        },
        { code: 'duplicate_id', ids: ['x'] },
      ]),
    ).toEqual([
      '  - cycle: "a" → "b" → "a" (cycle at $.edges[1])',
      '  - changes[0] "a" has unknown action "make" (unknown_action at $.changes[0]._action)',
      '  - duplicate_id [x] (duplicate_id)',
    ]);
  });
});

describe('formatJson', () => {
  it('indents like JSON.stringify(value, null, 2) but keeps arrays of numbers on one line', () => {
    const value = {
      name: 't',
      digraph: [0, 1, 0, 0],
      nodes: [{ id: 0, args: [], state: null }],
      empty: {},
      gone: undefined,
    };
    expect(formatJson(value)).toBe(
      [
        '{',
        '  "name": "t",',
        '  "digraph": [0, 1, 0, 0],',
        '  "nodes": [',
        '    {',
        '      "id": 0,',
        '      "args": [],',
        '      "state": null',
        '    }',
        '  ],',
        '  "empty": {}',
        '}',
      ].join('\n'),
    );
    const plain = { a: [{ b: ['x', 1] }], c: 'é"' };
    expect(JSON.parse(formatJson(plain))).toEqual(plain);
    expect(formatJson(plain)).toBe(JSON.stringify(plain, null, 2));
  });
});
