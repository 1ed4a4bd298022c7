// `--follow`: print a build's events as they come, then its summary.
import type { Context } from '../context';
import { EXIT, type ExitCode } from '../errors';
import { formatEventLine, formatSummary } from '../format';
import { FINISHED_BUILD_STATES, type RestEvent } from '../rest-schemas';
import { orNoBuild } from './shared';

/** Empty polls in a row after which the build itself is asked whether it finished. */
const QUIET_POLLS_BEFORE_CHECK = 10;
/** Component column width: the longest id, within these bounds. */
const MIN_ID_WIDTH = 5;
const MAX_ID_WIDTH = 40;

/**
 * Polls `GET /builds/{id}/events?since=N` every `io.pollMs` and prints one line per event
 * after `since`, until an event says the build finished (`build_state` completed, errored or
 * cancelled); then prints `build <id> <state>: …` from `GET /builds/{id}`. Should that event
 * never come, the build is asked directly after a quiet spell. Exit 0 when it completed.
 *
 * The REST events endpoint is polled because the CLI is a script client; the browser follows
 * the same events over NATS.
 */
export async function followBuild(ctx: Context, id: string, since: number): Promise<ExitCode> {
  const { client, io } = ctx;
  const initial = await orNoBuild(id, client.getBuild(id));
  const longest = Math.max(0, ...initial.components.map((c) => c._component_id.length));
  const idWidth = Math.min(MAX_ID_WIDTH, Math.max(MIN_ID_WIDTH, longest));
  const format = { color: io.color, timeZone: io.timeZone, idWidth };

  let cursor = since;
  const print = (events: readonly RestEvent[]): boolean => {
    let finished = false;
    for (const event of [...events].sort((a, b) => a.seq - b.seq)) {
      if (event.seq <= cursor) continue; // whether `since` is inclusive or not, print each once
      cursor = event.seq;
      io.out(formatEventLine(event, format));
      if (event.type === 'build_state' && FINISHED_BUILD_STATES.has(event.state ?? '')) finished = true;
    }
    return finished;
  };

  for (let quiet = 0; ; ) {
    const before = cursor;
    if (print(await client.events(id, cursor))) break;
    quiet = cursor === before ? quiet + 1 : 0;
    if (quiet >= QUIET_POLLS_BEFORE_CHECK) {
      quiet = 0;
      const build = await client.getBuild(id);
      if (FINISHED_BUILD_STATES.has(build.state)) {
        print(await client.events(id, cursor));
        break;
      }
    }
    await io.sleep(io.pollMs);
  }

  const build = await client.getBuild(id);
  io.out(formatSummary(build, io));
  return build.state === 'completed' ? EXIT.ok : EXIT.failed;
}

/**
 * The build's highest event sequence number now: where to follow from after an operator
 * action. Reads page after page, since the server answers a bounded number of events at once.
 */
export async function latestSeq(client: Context['client'], id: string): Promise<number> {
  let cursor = 0;
  for (;;) {
    const events = await client.events(id, cursor);
    const last = events.reduce((max, event) => Math.max(max, event.seq), cursor);
    if (last === cursor) return cursor;
    cursor = last;
  }
}
