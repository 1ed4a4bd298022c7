/**
 * Contract test of the cloud commands (`resources`, `resource`, `callbacks`, `lifecycle`): the
 * real bin against a stand-in HTTP server answering with the shapes of packages/api's REST
 * routes; asserted are the exact requests (method, path, body, Ordo-Actor), the output and the
 * exit codes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ACTOR, ordo, StandInServer } from './testing/stand-in';

const RESOURCE_ID = '0193a1b2-0000-7000-8000-000000000001';

function resource(fields: Record<string, unknown> = {}) {
  return {
    id: RESOURCE_ID,
    provider: 'aws',
    provider_id: 'instance-1a2b3c4d',
    type: 'instance',
    state: 'running',
    public_ip: '203.0.113.7',
    private_ip: '10.0.0.7',
    key_name: 'ops',
    build: 'b-1',
    environment: 'shop',
    component: 'instance::web',
    pending_action: null,
    state_times: { running: '2026-11-22T09:00:00.000Z' },
    error: null,
    created_at: '2026-11-22T09:00:00.000Z',
    updated_at: '2026-11-22T09:00:00.000Z',
    last_polled_at: '2026-11-22T09:05:00.000Z',
    ...fields,
  };
}

const LIFECYCLE = {
  type: 'instance',
  initial: 'launched',
  transitions: [{ source: 'launched', dest: 'ready', triggers: [{ name: 'complete' }] }],
  tasks: { complete: { engine: 'nil' } },
};

let server: StandInServer;
let dir: string;

async function setUp(): Promise<string> {
  server = new StandInServer();
  dir = await mkdtemp(join(tmpdir(), 'ordo-cli-cloud-'));
  return server.start();
}

afterEach(async () => {
  await server?.stop();
});

describe('ordo cloud commands against the REST contract (stand-in server)', { timeout: 30_000 }, () => {
  it('resources passes the filters as query parameters and prints a table', async () => {
    const url = await setUp();
    server.route('GET /api/v1/resources', () => ({
      status: 200,
      body: {
        resources: [
          resource({ state: 'stopping', pending_action: 'stop' }),
          resource({ id: 'r-2', component: 'instance::db', provider_id: 'instance-9f', public_ip: null }),
        ],
      },
    }));

    const result = await ordo(['resources', '--environment', 'shop', '--state', 'running'], {
      ORDO_URL: url,
    });

    expect(result).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'ID                                    COMPONENT      TYPE      PROVIDER  PROVIDER ID        ENVIRONMENT  STATE            ADDRESS',
        `${RESOURCE_ID}  instance::web  instance  aws       instance-1a2b3c4d  shop         stopping (stop)  203.0.113.7`,
        'r-2                                   instance::db   instance  aws       instance-9f        shop         running          10.0.0.7',
        '',
      ].join('\n'),
    });
    expect(server.requests).toEqual([
      {
        method: 'GET',
        path: '/api/v1/resources?environment=shop&state=running',
        actor: ACTOR,
        body: undefined,
      },
    ]);
  });

  it('resource <id> prints the facts, history, actions, callbacks and lifecycle runs', async () => {
    const url = await setUp();
    server.route(`GET /api/v1/resources/${RESOURCE_ID}`, () => ({
      status: 200,
      body: {
        resource: resource(),
        history: [
          {
            at: '2026-11-22T09:00:00.000Z',
            old_state: null,
            new_state: 'running',
            actor: 'build',
            reason: 'made by build b-1',
          },
        ],
        actions: [
          {
            at: '2026-11-22T09:10:00.000Z',
            actor: 'bob',
            action: 'start',
            accepted: false,
            reason: 'cannot start a resource that is running',
          },
        ],
        callbacks: [
          {
            id: 'cb-1',
            resource: RESOURCE_ID,
            environment: null,
            url: 'https://hooks.example.com/ordo',
            subject: null,
            states: ['stopped'],
            actor: 'alice',
            created_at: '2026-11-22T09:01:00.000Z',
          },
        ],
        lifecycle_runs: [
          {
            id: 'run-1',
            type: 'instance',
            version: 2,
            current: 'ready',
            status: 'finished',
            paused_for: null,
            started_at: '2026-11-22T09:00:01.000Z',
            updated_at: '2026-11-22T09:00:02.000Z',
            history: [
              {
                from: 'launched',
                to: 'ready',
                trigger: 'complete',
                at: '2026-11-22T09:00:02.000Z',
                ok: true,
                error: null,
              },
            ],
          },
        ],
      },
    }));

    const result = await ordo(['resource', RESOURCE_ID], { ORDO_URL: url });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toEqual([
      `resource ${RESOURCE_ID}`,
      '  component    instance::web',
      '  type         instance',
      '  provider     aws instance-1a2b3c4d',
      '  environment  shop',
      '  state        running',
      '  public ip    203.0.113.7',
      '  private ip   10.0.0.7',
      '  key          ops',
      '  build        b-1',
      '  last polled  2026-11-22 09:05:00',
      '',
      'history:',
      '  TIME                 FROM  TO       BY     REASON',
      '  2026-11-22 09:00:00  -     running  build  made by build b-1',
      '',
      'actions:',
      '  TIME                 ACTION  BY   OUTCOME',
      '  2026-11-22 09:10:00  start   bob  refused: cannot start a resource that is running',
      '',
      'callbacks:',
      '  ID    FOR                                            DESTINATION                     STATES',
      `  cb-1  resource ${RESOURCE_ID}  https://hooks.example.com/ordo  stopped`,
      '',
      'lifecycle instance v2: finished in ready',
      '  2026-11-22 09:00:02  launched -> ready (complete)',
      '',
    ]);
  });

  it('resource <id> stop posts the action; a refusal (409) prints the reason and exits 1; 404 says so', async () => {
    const url = await setUp();
    server.route(`POST /api/v1/resources/${RESOURCE_ID}/actions`, (request) =>
      (request.body as { action: string }).action === 'stop'
        ? { status: 202, body: { ok: true } }
        : {
            status: 409,
            body: {
              error: {
                code: 'not_allowed',
                message: 'cannot start a resource that is running; start is allowed when stopped or error',
                details: [],
              },
            },
          },
    );

    const stop = await ordo(['resource', RESOURCE_ID, 'stop'], { ORDO_URL: url });
    const start = await ordo(['resource', RESOURCE_ID, 'start'], { ORDO_URL: url });
    const missing = await ordo(['resource', 'ghost', 'reboot'], { ORDO_URL: url });
    const bad = await ordo(['resource', RESOURCE_ID, 'explode'], { ORDO_URL: url });

    expect(stop).toEqual({ code: 0, stdout: `stop requested for resource ${RESOURCE_ID}\n`, stderr: '' });
    expect(start).toEqual({
      code: 1,
      stdout: '',
      stderr: `ordo: cannot start resource ${RESOURCE_ID}: cannot start a resource that is running; start is allowed when stopped or error\n`,
    });
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ordo: no route POST /api/v1/resources/ghost/actions\n',
    });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^ordo: unknown action 'explode': expected start, reboot, stop or terminate\n/,
    );
    expect(server.requests).toEqual([
      {
        method: 'POST',
        path: `/api/v1/resources/${RESOURCE_ID}/actions`,
        actor: ACTOR,
        body: { action: 'stop' },
      },
      {
        method: 'POST',
        path: `/api/v1/resources/${RESOURCE_ID}/actions`,
        actor: ACTOR,
        body: { action: 'start' },
      },
      { method: 'POST', path: '/api/v1/resources/ghost/actions', actor: ACTOR, body: { action: 'reboot' } },
    ]);
  });

  it('callbacks add posts one target and one destination and prints the id and the secret once', async () => {
    const url = await setUp();
    server.route('POST /api/v1/callbacks', (request) => {
      const body = request.body as { url?: string };
      if (body.url?.includes('127.0.0.1')) {
        return {
          status: 400,
          body: {
            error: {
              code: 'invalid_request',
              message:
                'the callback URL is refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address; callbacks may reach it only if ORDO_CALLBACK_ALLOWLIST allows it',
              details: [{ code: 'callback_url_refused', message: '$.url: …', ids: [], path: '$.url' }],
            },
          },
        };
      }
      return { status: 201, body: { id: 'cb-9', secret: 'whsec_0123' } };
    });

    const added = await ordo(
      [
        'callbacks',
        'add',
        '--resource',
        RESOURCE_ID,
        '--url',
        'https://hooks.example.com/ordo',
        '--states',
        'stopped,running',
      ],
      { ORDO_URL: url },
    );
    const subject = await ordo(['callbacks', 'add', '--environment', 'shop', '--subject', 'hooks.shop'], {
      ORDO_URL: url,
    });
    const refused = await ordo(
      ['callbacks', 'add', '--resource', RESOURCE_ID, '--url', 'http://127.0.0.1:9/'],
      {
        ORDO_URL: url,
      },
    );
    const both = await ordo(['callbacks', 'add', '--resource', 'r', '--environment', 'e', '--subject', 's'], {
      ORDO_URL: url,
    });
    const badState = await ordo(
      ['callbacks', 'add', '--resource', 'r', '--subject', 's', '--states', 'asleep'],
      {
        ORDO_URL: url,
      },
    );

    expect(added).toEqual({
      code: 0,
      stdout: 'callback cb-9\nsecret whsec_0123\n',
      stderr: 'the secret signs each delivery (Ordo-Signature); it is shown only now\n',
    });
    expect(subject.code).toBe(0);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'ordo: refused: the callback URL is refused: 127.0.0.1 resolves to 127.0.0.1, a loopback address; callbacks may reach it only if ORDO_CALLBACK_ALLOWLIST allows it\n',
    });
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(
      /^ordo: callbacks add needs exactly one of --resource ID or --environment NAME\n/,
    );
    expect(badState.code).toBe(2);
    expect(badState.stderr).toMatch(
      /^ordo: invalid --states 'asleep': expected states among pending, running/,
    );
    expect(server.requests).toEqual([
      {
        method: 'POST',
        path: '/api/v1/callbacks',
        actor: ACTOR,
        body: {
          resource: RESOURCE_ID,
          url: 'https://hooks.example.com/ordo',
          states: ['stopped', 'running'],
        },
      },
      {
        method: 'POST',
        path: '/api/v1/callbacks',
        actor: ACTOR,
        body: { environment: 'shop', subject: 'hooks.shop' },
      },
      {
        method: 'POST',
        path: '/api/v1/callbacks',
        actor: ACTOR,
        body: { resource: RESOURCE_ID, url: 'http://127.0.0.1:9/' },
      },
    ]);
  });

  it('callbacks list, deliveries and remove', async () => {
    const url = await setUp();
    server.route('GET /api/v1/callbacks', () => ({
      status: 200,
      body: {
        callbacks: [
          {
            id: 'cb-1',
            resource: null,
            environment: 'shop',
            url: null,
            subject: 'hooks.shop',
            states: null,
            actor: 'alice',
            created_at: '2026-11-22T09:01:00.000Z',
          },
        ],
      },
    }));
    server.route('GET /api/v1/callbacks/cb-1/deliveries', () => ({
      status: 200,
      body: {
        deliveries: [
          {
            delivery: 'd-1',
            at: '2026-11-22T09:00:03.000Z',
            old_state: 'running',
            new_state: 'stopping',
            status: 'delivered',
            attempt: 2,
            error: null,
            http_status: 204,
            latency_ms: 8,
            next_attempt_at: null,
          },
          {
            delivery: 'd-1',
            at: '2026-11-22T09:00:01.000Z',
            old_state: 'running',
            new_state: 'stopping',
            status: 'retrying',
            attempt: 1,
            error: 'HTTP 500',
            http_status: 500,
            latency_ms: 12,
            next_attempt_at: null,
          },
        ],
      },
    }));
    server.route('DELETE /api/v1/callbacks/cb-1', () => ({ status: 200, body: { ok: true } }));

    const list = await ordo(['callbacks', 'list', '--environment', 'shop'], { ORDO_URL: url });
    const deliveries = await ordo(['callbacks', 'deliveries', 'cb-1'], { ORDO_URL: url });
    const removed = await ordo(['callbacks', 'remove', 'cb-1'], { ORDO_URL: url });
    const unknown = await ordo(['callbacks', 'deliveries', 'cb-2'], { ORDO_URL: url });

    expect(list).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'ID    FOR               DESTINATION      STATES',
        'cb-1  environment shop  nats hooks.shop  all',
        '',
      ].join('\n'),
    });
    expect(deliveries).toEqual({
      code: 0,
      stderr: '',
      stdout: [
        'TIME                 CHANGE               STATUS     HTTP  ATTEMPT  LATENCY  ERROR',
        '2026-11-22 09:00:03  running -> stopping  delivered  204   2        8 ms',
        '2026-11-22 09:00:01  running -> stopping  retrying   500   1        12 ms    HTTP 500',
        '',
      ].join('\n'),
    });
    expect(removed).toEqual({ code: 0, stdout: 'callback cb-1 removed\n', stderr: '' });
    expect(unknown).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ordo: no route GET /api/v1/callbacks/cb-2/deliveries\n',
    });
    expect(server.lines()).toEqual([
      'GET /api/v1/callbacks?environment=shop',
      'GET /api/v1/callbacks/cb-1/deliveries',
      'DELETE /api/v1/callbacks/cb-1',
      'GET /api/v1/callbacks/cb-2/deliveries',
    ]);
  });

  it('lifecycle put posts the file (YAML or JSON); a rejected one prints every problem and exits 2', async () => {
    const url = await setUp();
    server.route('POST /api/v1/lifecycles', (request) =>
      (request.body as { colour?: string }).colour === undefined
        ? { status: 201, body: { type: 'instance', version: 3 } }
        : {
            status: 400,
            body: {
              error: {
                code: 'validation_failed',
                message:
                  'the lifecycle definition is invalid: unknown key "colour" in $ (and 1 more problem)',
                details: [
                  { code: 'unknown_key', message: 'unknown key "colour" in $', ids: [], path: '$.colour' },
                  {
                    code: 'no_triggers',
                    message: 'transition ready → retired has no triggers, so nothing can fire it',
                    ids: ['ready', 'retired'],
                    path: '$.transitions[1].triggers',
                  },
                ],
              },
            },
          },
    );
    const yaml = join(dir, 'lifecycle.yaml');
    await writeFile(
      yaml,
      'type: instance\ninitial: launched\ntransitions:\n  - {source: launched, dest: ready, triggers: [{name: complete}]}\ntasks:\n  complete: {engine: nil}\n',
    );
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ ...LIFECYCLE, colour: 'blue' }));
    const list = join(dir, 'list.json');
    await writeFile(list, '[1, 2]');

    const saved = await ordo(['lifecycle', 'put', yaml], { ORDO_URL: url });
    const rejected = await ordo(['lifecycle', 'put', bad], { ORDO_URL: url });
    const notObject = await ordo(['lifecycle', 'put', list], { ORDO_URL: url });

    expect(saved).toEqual({ code: 0, stdout: 'lifecycle instance v3 saved\n', stderr: '' });
    expect(rejected).toEqual({
      code: 2,
      stdout: '',
      stderr: [
        `ordo: ${bad} was rejected: the lifecycle definition is invalid: unknown key "colour" in $ (and 1 more problem) (validation_failed)`,
        '  - unknown key "colour" in $ (unknown_key at $.colour)',
        '  - transition ready → retired has no triggers, so nothing can fire it (no_triggers at $.transitions[1].triggers)',
        '',
      ].join('\n'),
    });
    expect(notObject.code).toBe(2);
    expect(notObject.stderr).toContain(
      'expected a lifecycle definition (an object with type, initial, transitions and tasks)',
    );
    expect(server.requests).toEqual([
      { method: 'POST', path: '/api/v1/lifecycles', actor: ACTOR, body: LIFECYCLE },
      { method: 'POST', path: '/api/v1/lifecycles', actor: ACTOR, body: { ...LIFECYCLE, colour: 'blue' } },
    ]);
  });

  it('lifecycle show prints the definition as JSON; list prints a table', async () => {
    const url = await setUp();
    server.route('GET /api/v1/lifecycles/instance', (_, where) => ({
      status: where.searchParams.get('version') === '9' ? 404 : 200,
      body:
        where.searchParams.get('version') === '9'
          ? {
              error: {
                code: 'not_found',
                message: 'no version 9 of the lifecycle of "instance"; versions: 3',
                details: [],
              },
            }
          : {
              type: 'instance',
              version: 3,
              versions: [3, 2, 1],
              actor: 'alice',
              created_at: '2026-11-22T09:00:00.000Z',
              definition: LIFECYCLE,
            },
    }));
    server.route('GET /api/v1/lifecycles', () => ({
      status: 200,
      body: {
        lifecycles: [
          { type: 'instance', version: 3, actor: 'alice', created_at: '2026-11-22T09:00:00.000Z' },
        ],
      },
    }));

    const show = await ordo(['lifecycle', 'show', 'instance'], { ORDO_URL: url });
    const missing = await ordo(['lifecycle', 'show', 'instance', '--version', '9'], { ORDO_URL: url });
    const list = await ordo(['lifecycle', 'list'], { ORDO_URL: url });

    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual(LIFECYCLE);
    expect(show.stderr).toBe('lifecycle instance v3\n');
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'ordo: no version 9 of the lifecycle of "instance"; versions: 3\n',
    });
    expect(list.stdout).toBe(
      'TYPE      VERSION  BY     SAVED\ninstance  3        alice  2026-11-22 09:00:00\n',
    );
    expect(server.lines()).toEqual([
      'GET /api/v1/lifecycles/instance',
      'GET /api/v1/lifecycles/instance?version=9',
      'GET /api/v1/lifecycles',
    ]);
  });
});
