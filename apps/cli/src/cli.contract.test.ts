/**
 * Contract test of the `ordo` command, end to end: the real bin (`node apps/cli/bin/ordo.mjs`)
 * runs as a child process against a local HTTP server on 127.0.0.1 that answers with the
 * shapes of design.md "REST API (v1)" for a scripted build, events appearing over successive
 * polls. The server is a stand-in because the real API (packages/api) is written at the same
 * time; what is asserted is the contract from the CLI's side: the exact requests it makes
 * (method, path, body, Ordo-Actor) and what it prints and exits with.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BuildDetail, RestEvent } from './rest-schemas';
import { ACTOR, ordo, StandInServer } from './testing/stand-in';

const AT = Date.UTC(2026, 10, 22, 9, 0, 0);

function component(id: string, state: string, fields: Record<string, unknown> = {}) {
  const [type] = id.split('::');
  return {
    _component_id: id,
    _component: type,
    _action: 'create',
    _provider: 'sim',
    _state: state,
    attempts: 0,
    ...fields,
  };
}

function stateEvent(seq: number, componentId: string | null, state: string, message?: string): RestEvent {
  return {
    seq,
    at: AT + seq * 1000,
    type: componentId === null ? 'build_state' : 'component_state',
    component_id: componentId,
    state,
    ...(message !== undefined ? { message } : {}),
  };
}

/**
 * Routes for one build whose events appear batch by batch: the n-th poll of the events
 * endpoint sees the first n batches (after `since`); the build answers `running` until every
 * batch was seen, then `final`.
 */
function scriptBuild(
  server: StandInServer,
  running: BuildDetail,
  batches: RestEvent[][],
  final: BuildDetail,
) {
  let polls = 0;
  const path = `/api/v1/builds/${running.id}`;
  server.route(`GET ${path}`, () => ({ status: 200, body: polls >= batches.length ? final : running }));
  server.route(`GET ${path}/events`, (_, url) => {
    polls++;
    const since = Number(url.searchParams.get('since'));
    const events = batches
      .slice(0, polls)
      .flat()
      .filter((event) => event.seq > since);
    return { status: 200, body: { events } };
  });
}

const GRAPH_YAML = `id: demo
edges:
  - {source: "vpc::prod", destination: "net::a"}
components: []
changes:
  - {_component_id: "vpc::prod", _component: vpc, _action: create, _provider: aws}
  - {_component_id: "net::a", _component: net, _action: create, _provider: aws, range: 10.0.0.0/24}
`;
const GRAPH = {
  id: 'demo',
  edges: [{ source: 'vpc::prod', destination: 'net::a' }],
  components: [],
  changes: [
    { _component_id: 'vpc::prod', _component: 'vpc', _action: 'create', _provider: 'aws' },
    { _component_id: 'net::a', _component: 'net', _action: 'create', _provider: 'aws', range: '10.0.0.0/24' },
  ],
};

function build(state: string, components: ReturnType<typeof component>[]): BuildDetail {
  return {
    id: 'b-1',
    environment: 'prod',
    state,
    created_at: AT,
    finished_at: null,
    components,
    edges: [{ source: 'vpc::prod', destination: 'net::a' }],
  } as BuildDetail;
}

const RUNNING = build('running', [component('vpc::prod', 'waiting'), component('net::a', 'waiting')]);
const ERRORED = build('errored', [
  component('vpc::prod', 'completed', { attempts: 1, vpc_aws_id: 'vpc-1f2e' }),
  component('net::a', 'errored', { attempts: 2, error: 'quota exceeded' }),
]);
const COMPLETED = build('completed', [
  component('vpc::prod', 'completed', { attempts: 1, vpc_aws_id: 'vpc-1f2e' }),
  component('net::a', 'completed', { attempts: 3, network_aws_id: 'net-9a' }),
]);

let server: StandInServer;
let dir: string;

async function setUp(): Promise<string> {
  server = new StandInServer();
  dir = await mkdtemp(join(tmpdir(), 'ordo-cli-contract-'));
  return server.start();
}

afterEach(async () => {
  await server?.stop();
});

describe('ordo CLI against the REST contract (stand-in server)', { timeout: 30_000 }, () => {
  it('run --follow posts the wrapped graph, prints each event once, and exits 1 when the build errors', async () => {
    const url = await setUp();
    scriptBuild(
      server,
      RUNNING,
      [
        [stateEvent(1, null, 'running'), stateEvent(2, 'vpc::prod', 'running')],
        [],
        [stateEvent(3, 'vpc::prod', 'completed'), stateEvent(4, 'net::a', 'running')],
        [stateEvent(5, 'net::a', 'errored', 'quota exceeded'), stateEvent(6, null, 'errored')],
      ],
      ERRORED,
    );
    server.route('POST /api/v1/builds', () => ({ status: 202, body: { id: 'b-1' } }));
    const file = join(dir, 'graph.yaml');
    await writeFile(file, GRAPH_YAML);

    const result = await ordo(
      [
        'run',
        file,
        '--follow',
        '--simulate',
        '--environment',
        'prod',
        '--policy',
        'continue',
        '--concurrency',
        '2',
      ],
      { ORDO_URL: url },
    );

    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'b-1',
      '09:00:01  build      running',
      '09:00:02  vpc::prod  running',
      '09:00:03  vpc::prod  completed',
      '09:00:04  net::a     running',
      '09:00:05  net::a     errored     quota exceeded',
      '09:00:06  build      errored',
      'build b-1 errored: 1 completed, 1 errored',
      '',
    ]);
    expect(result.code).toBe(1);
    expect(server.requests[0]).toEqual({
      method: 'POST',
      path: '/api/v1/builds',
      actor: ACTOR,
      body: { graph: GRAPH, environment: 'prod', simulate: true, policy: 'continue', concurrency: 2 },
    });
    expect(server.lines()).toEqual([
      'POST /api/v1/builds',
      'GET /api/v1/builds/b-1',
      'GET /api/v1/builds/b-1/events?since=0',
      'GET /api/v1/builds/b-1/events?since=2',
      'GET /api/v1/builds/b-1/events?since=2',
      'GET /api/v1/builds/b-1/events?since=4',
      'GET /api/v1/builds/b-1',
    ]);
    expect(server.requests.every((r) => r.actor === ACTOR)).toBe(true);
  });

  it('run without --follow prints only the id; JSON in, the defaults filled in', async () => {
    const url = await setUp();
    server.route('POST /api/v1/builds', () => ({ status: 202, body: { id: 'b-7' } }));
    const file = join(dir, 'graph.json');
    await writeFile(file, JSON.stringify(GRAPH));

    const result = await ordo(['--url', url, 'run', file]);

    expect(result).toEqual({ code: 0, stdout: 'b-7\n', stderr: '' });
    expect(server.requests).toEqual([
      {
        method: 'POST',
        path: '/api/v1/builds',
        actor: ACTOR,
        body: { graph: GRAPH, simulate: false, policy: 'fail-fast' },
      },
    ]);
  });

  it('run prints each validation problem on its own line and exits 2', async () => {
    const url = await setUp();
    server.route('POST /api/v1/builds', () => ({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: 'the graph has 2 problems',
          details: [
            { code: 'cycle', message: 'cycle: "a" → "b" → "a"', ids: ['a', 'b'], path: '$.edges[1]' },
            {
              code: 'unknown_edge_component',
              message: '$.edges[2]: source "x" is not a component of changes or components',
              ids: ['x'],
              path: '$.edges[2].source',
            },
          ],
        },
      },
    }));
    const file = join(dir, 'graph.json');
    await writeFile(file, JSON.stringify(GRAPH));

    const result = await ordo(['run', file, '--follow'], { ORDO_URL: url });

    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        `ordo: ${file} was rejected: the graph has 2 problems (validation_failed)`,
        '  - cycle: "a" → "b" → "a" (cycle at $.edges[1])',
        '  - $.edges[2]: source "x" is not a component of changes or components (unknown_edge_component at $.edges[2].source)',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(2);
    expect(server.lines()).toEqual(['POST /api/v1/builds']);
  });

  it('run with an invalid file names file and position, exits 2 and sends nothing', async () => {
    const url = await setUp();
    const file = join(dir, 'graph.json');
    await writeFile(file, '{\n  "id": "demo",\n  "changes": [}\n');

    const result = await ordo(['run', file], { ORDO_URL: url });

    expect(result.stderr).toBe(
      `ordo: ${file}:3:15: invalid JSON: unexpected character '}': expected a value\n  3 |   "changes": [}\n    |               ^\n`,
    );
    expect(result.code).toBe(2);
    expect(server.requests).toEqual([]);
  });

  it('status prints the component table and the build state', async () => {
    const url = await setUp();
    server.route('GET /api/v1/builds/b-1', () => ({ status: 200, body: ERRORED }));

    const result = await ordo(['status', 'b-1'], { ORDO_URL: url });

    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'COMPONENT  ACTION  STATE      ATTEMPTS  ERROR',
        'vpc::prod  create  completed  1',
        'net::a     create  errored    2         quota exceeded',
        'build b-1 errored: 1 completed, 1 errored',
        '',
      ].join('\n'),
    });
    expect(server.requests).toEqual([
      { method: 'GET', path: '/api/v1/builds/b-1', actor: ACTOR, body: undefined },
    ]);
  });

  it('retry --follow follows from the events that existed before the retry and exits 0 when it completes', async () => {
    const url = await setUp();
    const history = [
      stateEvent(1, null, 'running'),
      stateEvent(2, 'vpc::prod', 'completed'),
      stateEvent(3, 'net::a', 'errored', 'quota exceeded'),
      stateEvent(4, null, 'errored'),
    ];
    const retried = [
      {
        seq: 5,
        at: AT + 5000,
        type: 'action',
        component_id: null,
        action: 'retry',
        actor: ACTOR,
      } as RestEvent,
      stateEvent(6, null, 'running'),
      stateEvent(7, 'net::a', 'running'),
    ];
    let retriedYet = false;
    let pollsAfterRetry = 0;
    server.route('POST /api/v1/builds/b-1/retry', () => {
      retriedYet = true;
      return { status: 202, body: {} };
    });
    server.route('GET /api/v1/builds/b-1', () => ({
      status: 200,
      body: pollsAfterRetry >= 2 ? COMPLETED : retriedYet ? { ...ERRORED, state: 'running' } : ERRORED,
    }));
    server.route('GET /api/v1/builds/b-1/events', (_, url) => {
      const since = Number(url.searchParams.get('since'));
      let events = history;
      if (retriedYet) {
        pollsAfterRetry++;
        events = [...history, ...retried];
        if (pollsAfterRetry >= 2)
          events.push(stateEvent(8, 'net::a', 'completed'), stateEvent(9, null, 'completed'));
      }
      return { status: 200, body: { events: events.filter((e) => e.seq > since) } };
    });

    const result = await ordo(['retry', 'b-1', '--follow'], { ORDO_URL: url });

    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual([
      'retry requested for build b-1',
      `09:00:05  build      retry       by ${ACTOR}`,
      '09:00:06  build      running',
      '09:00:07  net::a     running',
      '09:00:08  net::a     completed',
      '09:00:09  build      completed',
      'build b-1 completed: 2 completed, 0 errored',
      '',
    ]);
    expect(result.code).toBe(0);
    expect(server.lines()).toEqual([
      'GET /api/v1/builds/b-1/events?since=0',
      'GET /api/v1/builds/b-1/events?since=4',
      'POST /api/v1/builds/b-1/retry',
      'GET /api/v1/builds/b-1',
      'GET /api/v1/builds/b-1/events?since=4',
      'GET /api/v1/builds/b-1/events?since=7',
      'GET /api/v1/builds/b-1',
    ]);
    expect(server.requests[2]).toEqual({
      method: 'POST',
      path: '/api/v1/builds/b-1/retry',
      actor: ACTOR,
      body: {},
    });
  });

  it('an action Ordo refuses (409) prints the reason and exits 1', async () => {
    const url = await setUp();
    server.route('POST /api/v1/builds/b-1/retry', () => ({
      status: 409,
      body: { error: { code: 'not_allowed', message: 'net::a is running, not errored' } },
    }));

    const result = await ordo(['retry', 'b-1', 'net::a'], { ORDO_URL: url });

    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ordo: cannot retry net::a in build b-1: net::a is running, not errored\n',
    });
    expect(server.requests).toEqual([
      { method: 'POST', path: '/api/v1/builds/b-1/retry', actor: ACTOR, body: { component: 'net::a' } },
    ]);
  });

  it('an action on an unknown build or component (404) says so and exits 1; skip and approve post the component', async () => {
    const url = await setUp();
    server.route('POST /api/v1/builds/b-1/approve', () => ({ status: 202, body: {} }));
    server.route('POST /api/v1/builds/b-1/skip', (request) =>
      (request.body as { component: string }).component === 'net::a'
        ? { status: 202, body: { ok: true } }
        : {
            status: 404,
            body: { error: { code: 'not_found', message: 'build b-1 has no component ghost', details: [] } },
          },
    );

    const [missing, approved, skipped] = await Promise.all([
      ordo(['cancel', 'nope'], { ORDO_URL: url }),
      ordo(['approve', 'b-1', 'gate::deploy'], { ORDO_URL: url }),
      ordo(['skip', 'b-1', 'net::a'], { ORDO_URL: url }),
    ]);
    const ghost = await ordo(['skip', 'b-1', 'ghost'], { ORDO_URL: url });

    expect(missing).toEqual({ code: 1, stdout: '', stderr: 'ordo: no build nope\n' });
    expect(approved).toEqual({
      code: 0,
      stdout: 'approve requested for gate::deploy in build b-1\n',
      stderr: '',
    });
    expect(skipped).toEqual({ code: 0, stdout: 'skip requested for net::a in build b-1\n', stderr: '' });
    expect(ghost).toEqual({ code: 1, stdout: '', stderr: 'ordo: build b-1 has no component ghost\n' });
    expect(server.requests).toHaveLength(4);
    expect(server.requests).toEqual(
      expect.arrayContaining([
        { method: 'POST', path: '/api/v1/builds/nope/cancel', actor: ACTOR, body: {} },
        {
          method: 'POST',
          path: '/api/v1/builds/b-1/approve',
          actor: ACTOR,
          body: { component: 'gate::deploy' },
        },
        { method: 'POST', path: '/api/v1/builds/b-1/skip', actor: ACTOR, body: { component: 'net::a' } },
      ]),
    );
  });

  it('export converts the build through core: Ernest to stdout, DOT to a file', async () => {
    const url = await setUp();
    server.route('GET /api/v1/builds/b-1', () => ({ status: 200, body: ERRORED }));
    const dotFile = join(dir, 'b-1.dot');

    const [ernest, dot] = await Promise.all([
      ordo(['export', 'b-1', '--format', 'ernest'], { ORDO_URL: url }),
      ordo(['export', 'b-1', '--format', 'dot', '-o', dotFile], { ORDO_URL: url }),
    ]);

    expect(ernest.code).toBe(0);
    expect(JSON.parse(ernest.stdout)).toEqual({
      id: 'b-1',
      edges: [{ source: 'vpc::prod', destination: 'net::a', length: 1 }],
      components: [],
      changes: [
        {
          _component_id: 'vpc::prod',
          _component: 'vpc',
          _action: 'create',
          _provider: 'sim',
          _state: 'completed',
          vpc_aws_id: 'vpc-1f2e',
        },
        {
          _component_id: 'net::a',
          _component: 'net',
          _action: 'create',
          _provider: 'sim',
          _state: 'errored',
        },
      ],
    });
    expect(dot).toEqual({ code: 0, stdout: '', stderr: `wrote ${dotFile} (dot)\n` });
    const text = await readFile(dotFile, 'utf8');
    expect(text).toMatch(/^digraph /);
    expect(text).toContain('"vpc::prod" -> "net::a"');
    expect(server.lines()).toEqual(['GET /api/v1/builds/b-1', 'GET /api/v1/builds/b-1']);
  });

  it('builds passes the filters as query parameters and prints a table', async () => {
    const url = await setUp();
    server.route('GET /api/v1/builds', () => ({
      status: 200,
      body: {
        builds: [
          { id: 'b-1', environment: 'prod', state: 'completed', created_at: AT, finished_at: AT + 65_000 },
          {
            id: 'b-2',
            environment: 'prod',
            state: 'completed',
            created_at: '2026-11-22T10:00:00Z',
            finished_at: null,
          },
        ],
      },
    }));

    const result = await ordo(['builds', '--environment', 'prod', '--state', 'completed,errored'], {
      ORDO_URL: url,
    });

    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'ID   ENVIRONMENT  STATE      CREATED              FINISHED',
        'b-1  prod         completed  2026-11-22 09:00:00  2026-11-22 09:01:05',
        'b-2  prod         completed  2026-11-22 10:00:00',
        '',
      ].join('\n'),
    });
    expect(server.lines()).toEqual(['GET /api/v1/builds?environment=prod&state=completed%2Cerrored']);
  });

  it('an answer that breaks the contract is reported, not printed as undefined', async () => {
    const url = await setUp();
    server.route('GET /api/v1/builds/b-1', () => ({ status: 200, body: { id: 'b-1', state: 'finished' } }));

    const result = await ordo(['status', 'b-1'], { ORDO_URL: url });

    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `ordo: unexpected answer to GET /api/v1/builds/b-1 from Ordo at ${url}: $.state:`,
    );
  });

  it('cannot reach Ordo: exit 3 with a hint', async () => {
    const url = await setUp();
    await server.stop();

    const result = await ordo(['status', 'b-1'], { ORDO_URL: url });

    expect(result).toEqual({
      code: 3,
      stdout: '',
      stderr: `ordo: cannot reach Ordo at ${url}: is it running? (npm start)\n`,
    });
  });

  it('usage: unknown command or flag exits 2 with usage on stderr; --help and --version on stdout', async () => {
    const [unknown, badFlag, help, version] = await Promise.all([
      ordo(['deploy']),
      ordo(['status', 'b-1', '--verbose']),
      ordo(['run', '--help']),
      ordo(['--version']),
    ]);

    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(
      /^ordo: unknown command 'deploy'\n\nordo — submit, follow and steer Ordo builds\n/,
    );
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toMatch(/^ordo: unknown option '--verbose'\n\nUsage: ordo status <id>\n/);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout).toMatch(/^Usage: ordo run <file> \[options\]\n/);
    expect(version).toEqual({ code: 0, stdout: 'ordo 0.1.0\n', stderr: '' });
  });
});
