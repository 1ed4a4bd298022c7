// `--follow` with a scripted fetch: no server, no waiting (sleep is instant).
import { describe, expect, it } from 'vitest';
import { OrdoClient } from '../client';
import type { Context } from '../context';
import type { RestEvent } from '../rest-schemas';
import { followBuild, latestSeq } from './follow';

const AT = Date.UTC(2026, 10, 22, 9, 0, 0);

function componentEvent(seq: number, state: string): RestEvent {
  return { seq, at: AT + seq * 1000, type: 'component_state', component_id: 'vpc::a', state };
}

/** A client whose fetch answers `GET …/events` with `events(since, poll)` and `GET …/b-1` with `build(poll)`. */
function fakeContext(events: (since: number, poll: number) => RestEvent[], state: (poll: number) => string) {
  const requests: string[] = [];
  const lines: string[] = [];
  let polls = 0;
  const fetch = async (input: string | URL | Request) => {
    const url = new URL(String(input));
    requests.push(`${url.pathname}${url.search}`);
    if (url.pathname.endsWith('/events')) {
      polls++;
      return Response.json({ events: events(Number(url.searchParams.get('since')), polls) });
    }
    return Response.json({
      id: 'b-1',
      environment: 'e',
      state: state(polls),
      created_at: AT,
      finished_at: null,
      components: [
        {
          _component_id: 'vpc::a',
          _component: 'vpc',
          _action: 'create',
          _provider: 'sim',
          _state: 'completed',
          attempts: 1,
        },
      ],
      edges: [],
    });
  };
  const ctx: Context = {
    client: new OrdoClient({
      baseUrl: 'http://ordo.test',
      actor: 'me@here',
      fetch: fetch as typeof globalThis.fetch,
    }),
    io: {
      out: (line) => lines.push(line),
      err: (line) => lines.push(`ERR ${line}`),
      write: (text) => lines.push(text),
      color: false,
      timeZone: 'utc',
      sleep: async () => {},
      pollMs: 300,
    },
    cwd: '/',
  };
  return { ctx, requests, lines };
}

describe('followBuild', () => {
  it('prints each event once even when the server repeats the one at `since`', async () => {
    const all = [componentEvent(1, 'running'), componentEvent(2, 'completed')];
    const terminal: RestEvent = { seq: 3, at: AT + 3000, type: 'build_state', state: 'completed' };
    // an inclusive `since`, and the terminal event only on the third poll
    const { ctx, lines } = fakeContext(
      (since, poll) => [...all, ...(poll >= 3 ? [terminal] : [])].filter((e) => e.seq >= since),
      () => 'completed',
    );
    expect(await followBuild(ctx, 'b-1', 0)).toBe(0);
    expect(lines).toEqual([
      '09:00:01  vpc::a  running',
      '09:00:02  vpc::a  completed',
      '09:00:03  build   completed',
      'build b-1 completed: 1 completed, 0 errored',
    ]);
  });

  it('asks the build itself after a quiet spell when no final event comes, then stops', async () => {
    const { ctx, requests, lines } = fakeContext(
      (since) => [componentEvent(1, 'completed')].filter((e) => e.seq > since),
      (poll) => (poll >= 11 ? 'cancelled' : 'running'),
    );
    expect(await followBuild(ctx, 'b-1', 0)).toBe(1);
    expect(lines).toEqual(['09:00:01  vpc::a  completed', 'build b-1 cancelled: 1 completed, 0 errored']);
    expect(requests.filter((r) => r.includes('/events'))).toHaveLength(12);
    // the initial build (width of the id column), the check after 10 empty polls, the summary
    expect(requests.filter((r) => r === '/api/v1/builds/b-1')).toHaveLength(3);
  });
});

describe('latestSeq', () => {
  it('reads page after page until the events run out', async () => {
    const events = Array.from({ length: 25 }, (_, i) => componentEvent(i + 1, 'running'));
    const { ctx, requests } = fakeContext(
      (since) => events.filter((e) => e.seq > since).slice(0, 10),
      () => 'running',
    );
    expect(await latestSeq(ctx.client, 'b-1')).toBe(25);
    expect(requests).toEqual([
      '/api/v1/builds/b-1/events?since=0',
      '/api/v1/builds/b-1/events?since=10',
      '/api/v1/builds/b-1/events?since=20',
      '/api/v1/builds/b-1/events?since=25',
    ]);
  });
});
