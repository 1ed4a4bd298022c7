// JetStream streams Ordo relies on, created or brought up to date by `ensureStreams`.
//
// ORDO_EVENTS    ordo.events.>       limits, file, 30 days: a late viewer replays a build's events.
// ORDO_LOGS      ordo.logs.>         limits, file, 7 days: executors' log lines.
// ORDO_DISPATCH  dispatch subjects   WORK QUEUE, file, 7 days.
// ORDO_RESULTS   .done .error .cancel LIMITS, file, 7 days.
//
// Why two exec streams with different retention:
// - A dispatch is a unit of work that must be done once. Work-queue retention removes it when
//   an executor acks it and keeps it, however long no executor runs, until one does (up to the
//   max age), so nothing is lost while executors restart. Executors bind durable pull consumers
//   with explicit ack; ack_wait is the redelivery deadline and `working()` extends it. Several
//   processes binding the same durable share the work like a queue group. nats-server 2.9
//   refuses a second consumer whose filter equals, contains or lies within another's on a
//   work-queue stream (so two pools cannot both claim `*.*.sim`), but it accepts partly
//   overlapping filters — `*.*.sim` and `vpc.*.*` — and then delivers `vpc.create.sim` to
//   both (seen on 2.9.10). So executors filter by provider (`consumeDispatches`), and a pool
//   that wants only some types of a provider must be the only kind of pool for that provider.
// - Results and cancels are records more than one reader may want: the runners read results
//   through one shared durable, while cloud state, tests or an operator's tool may read the
//   same results through durables of their own, and executors receive cancels by core NATS
//   broadcast (the process holding the key acts) yet can replay missed ones from the stream.
//   A work-queue stream would allow only one consumer per subject and delete results on the
//   first ack, so results use limits retention; a durable's ack floor keeps a runner from
//   seeing a result twice. Interest retention would drop results published while no runner
//   consumer existed yet, so it is not used.
// - One stream for both would force one retention on two different lifetimes, and on NATS 2.9
//   (one filter subject per consumer) a work-queue stream holding results would let only one
//   consumer ever read them.
//
// Subjects of the exec streams depend on the prefix (`ORDO_SUBJECT_PREFIX`):
// - prefix `ordo.exec.` (any non-empty prefix): `<prefix>*.*.*` for dispatches and
//   `<prefix>*.*.*.done|error|cancel` for results — together every exec subject under the prefix.
// - empty prefix (Ernest-style connectors on bare subjects): the design asks for `*.*.<provider>`,
//   but nats-server refuses it — `*.*.sim` overlaps `ordo.events.>` (e.g. `ordo.events.sim`),
//   and a server never lets two streams share a subject ("subjects overlap with an existing
//   stream"). So with an empty prefix the exec streams capture `<type>.*.<provider>` (and
//   `….done|error|cancel`) for each configured component type and provider: a literal first
//   token keeps them disjoint from `ordo.>`, and the type `ordo` is refused. New types are
//   added at run time with `ensureExecRoutes` (the runner calls it before dispatching a graph).
//   Ernest-style connectors read bare subjects with core NATS and never ack ORDO_DISPATCH: there
//   the stream is only a record of what was sent, trimmed by its max age.
import {
  type JetStreamManager,
  nanos,
  RetentionPolicy,
  StorageType,
  type StreamConfig,
  type StreamInfo,
} from 'nats';
import type { Bus } from './connection';
import { BusError } from './errors';
import {
  ALL_EVENTS,
  ALL_LOGS,
  assertBareType,
  assertPrefix,
  assertToken,
  DEFAULT_EXEC_PREFIX,
  execFilter,
  ORDO_ROOT,
  SUBJECT_TOKEN_PATTERN,
} from './subjects';

/** Stream names. */
export const STREAM = {
  events: 'ORDO_EVENTS',
  logs: 'ORDO_LOGS',
  dispatch: 'ORDO_DISPATCH',
  results: 'ORDO_RESULTS',
} as const;
export type StreamKey = keyof typeof STREAM;

const DAY_MS = 24 * 60 * 60 * 1000;
/** JetStream's default de-duplication window; it may not exceed the max age. */
const DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

/** Default max age of each stream in ms. */
export const DEFAULT_MAX_AGE_MS: Readonly<Record<StreamKey, number>> = {
  events: 30 * DAY_MS,
  logs: 7 * DAY_MS,
  dispatch: 7 * DAY_MS,
  results: 7 * DAY_MS,
};

export interface ExecRoutesOptions {
  /** `ORDO_SUBJECT_PREFIX`; default `ordo.exec.` */
  prefix?: string | undefined;
  /** providers served on bare subjects (used with an empty prefix) */
  providers?: readonly string[] | undefined;
  /** component types routed on bare subjects (used with an empty prefix) */
  types?: readonly string[] | undefined;
}

export interface EnsureStreamsOptions extends ExecRoutesOptions {
  /** override max ages in ms */
  maxAgeMs?: Partial<Record<StreamKey, number>> | undefined;
}

/** What `ensureStreams` did to one stream. */
export interface EnsuredStream {
  name: string;
  /** `skipped`: an exec stream with an empty prefix and no types/providers yet */
  outcome: 'created' | 'updated' | 'unchanged' | 'skipped';
  subjects: string[];
}

/** Subjects the two exec streams capture for a prefix (and, when empty, types × providers). */
export function execStreamSubjects(options: ExecRoutesOptions = {}): {
  dispatch: string[];
  results: string[];
} {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_EXEC_PREFIX);
  if (prefix !== '') {
    return {
      dispatch: [execFilter({}, 'dispatch', prefix)],
      results: (['done', 'error', 'cancel'] as const).map((kind) => execFilter({}, kind, prefix)),
    };
  }
  const types = [...new Set(options.types ?? [])].map((t) => assertBareType(assertToken('type', t), ''));
  const providers = [...new Set(options.providers ?? [])].map((p) => assertToken('provider', p));
  const dispatch: string[] = [];
  const results: string[] = [];
  for (const type of types) {
    for (const provider of providers) {
      dispatch.push(execFilter({ type, provider }, 'dispatch', ''));
      for (const kind of ['done', 'error', 'cancel'] as const)
        results.push(execFilter({ type, provider }, kind, ''));
    }
  }
  return { dispatch, results };
}

/** True for a subject `<type>.*.<provider>[.done|.error|.cancel]` as the empty prefix makes. */
function isBareRouteSubject(subject: string): boolean {
  const tokens = subject.split('.');
  const [type, action, provider, suffix] = tokens;
  if (tokens.length < 3 || tokens.length > 4 || type === undefined || provider === undefined) return false;
  if (type === ORDO_ROOT || !SUBJECT_TOKEN_PATTERN.test(type) || !SUBJECT_TOKEN_PATTERN.test(provider))
    return false;
  return (
    action === '*' && (suffix === undefined || suffix === 'done' || suffix === 'error' || suffix === 'cancel')
  );
}

interface StreamSpec {
  key: StreamKey;
  name: string;
  retention: RetentionPolicy;
  subjects: string[];
  /** undefined: keep the stream's current max age (the default when creating it) */
  maxAgeMs: number | undefined;
  /** keep existing bare route subjects (empty prefix: routes are only ever added) */
  union: boolean;
  description: string;
}

function specs(options: EnsureStreamsOptions, keepMaxAge = false): StreamSpec[] {
  const exec = execStreamSubjects(options);
  const union = (options.prefix ?? DEFAULT_EXEC_PREFIX) === '';
  const age = (key: StreamKey) =>
    keepMaxAge ? undefined : (options.maxAgeMs?.[key] ?? DEFAULT_MAX_AGE_MS[key]);
  return [
    {
      key: 'events',
      name: STREAM.events,
      retention: RetentionPolicy.Limits,
      subjects: [ALL_EVENTS],
      maxAgeMs: age('events'),
      union: false,
      description: 'Ordo build events (ordo.events.<build>)',
    },
    {
      key: 'logs',
      name: STREAM.logs,
      retention: RetentionPolicy.Limits,
      subjects: [ALL_LOGS],
      maxAgeMs: age('logs'),
      union: false,
      description: 'Ordo executor log lines (ordo.logs.<build>.<component>)',
    },
    {
      key: 'dispatch',
      name: STREAM.dispatch,
      retention: RetentionPolicy.Workqueue,
      subjects: exec.dispatch,
      maxAgeMs: age('dispatch'),
      union,
      description: 'Ordo dispatches to executors; removed when an executor acks',
    },
    {
      key: 'results',
      name: STREAM.results,
      retention: RetentionPolicy.Limits,
      subjects: exec.results,
      maxAgeMs: age('results'),
      union,
      description: 'Ordo executor results (.done/.error) and cancels (.cancel)',
    },
  ];
}

/** The JetStream API error code of `err`, if it is one (10059: stream not found, 10014: consumer not found). */
export function jsErrorCode(err: unknown): number | undefined {
  const apiError = (err as { api_error?: { err_code?: number } } | undefined)?.api_error;
  return apiError?.err_code;
}

const STREAM_NOT_FOUND = 10059;
const STREAM_NAME_IN_USE = 10058;

async function streamInfo(jsm: JetStreamManager, name: string): Promise<StreamInfo | undefined> {
  try {
    return await jsm.streams.info(name);
  } catch (err) {
    if (jsErrorCode(err) === STREAM_NOT_FOUND) return undefined;
    throw err;
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((x) => sa.has(x));
}

/**
 * With an empty prefix several runners may add routes to one stream at the same moment, and
 * a stream update replaces the whole subject list: a runner that read the list just before
 * another's update can write it back without the other's routes. So after writing, wait this
 * long (plus jitter) and read again; only a list that still holds every route ends the call.
 */
const SETTLE_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function ensureOne(jsm: JetStreamManager, spec: StreamSpec): Promise<EnsuredStream> {
  const maxAge = spec.maxAgeMs === undefined ? undefined : nanos(spec.maxAgeMs);
  let wrote = false;
  for (let tries = 0; tries < 10; tries += 1) {
    const info = await streamInfo(jsm, spec.name);
    if (!info) {
      if (spec.subjects.length === 0) return { name: spec.name, outcome: 'skipped', subjects: [] };
      const config: Partial<StreamConfig> = {
        name: spec.name,
        description: spec.description,
        subjects: spec.subjects,
        retention: spec.retention,
        storage: StorageType.File,
        max_age: maxAge ?? nanos(DEFAULT_MAX_AGE_MS[spec.key]),
        duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, spec.maxAgeMs ?? DEFAULT_MAX_AGE_MS[spec.key])),
        num_replicas: 1,
      };
      try {
        await jsm.streams.add(config);
        // Nobody can have read this stream before it existed: no update of theirs can drop ours.
        return { name: spec.name, outcome: 'created', subjects: spec.subjects };
      } catch (err) {
        if (jsErrorCode(err) === STREAM_NAME_IN_USE) continue; // created by someone else meanwhile
        throw new BusError(
          'STREAM_CONFLICT',
          `cannot create stream ${spec.name}: ${(err as Error).message}`,
          {
            cause: err,
          },
        );
      }
    }
    const current = info.config;
    if (current.retention !== spec.retention || current.storage !== StorageType.File) {
      throw new BusError(
        'STREAM_CONFLICT',
        `stream ${spec.name} exists with ${current.retention} retention and ${current.storage} storage; ` +
          `Ordo needs ${spec.retention} and file: delete the stream to let Ordo recreate it`,
      );
    }
    const kept = spec.union ? current.subjects.filter(isBareRouteSubject) : [];
    const subjects = [...new Set([...kept, ...spec.subjects])];
    if (subjects.length === 0) return { name: spec.name, outcome: 'unchanged', subjects: current.subjects };
    if (sameSet(current.subjects, subjects) && (maxAge === undefined || current.max_age === maxAge)) {
      return { name: spec.name, outcome: wrote ? 'updated' : 'unchanged', subjects };
    }
    try {
      await jsm.streams.update(spec.name, {
        subjects,
        ...(spec.maxAgeMs === undefined
          ? {}
          : {
              max_age: nanos(spec.maxAgeMs),
              duplicate_window: nanos(Math.min(DUPLICATE_WINDOW_MS, spec.maxAgeMs)),
            }),
        description: spec.description,
      });
    } catch (err) {
      throw new BusError('STREAM_CONFLICT', `cannot update stream ${spec.name}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    wrote = true;
    if (spec.union) await sleep(SETTLE_MS + Math.random() * SETTLE_MS);
  }
  throw new BusError('STREAM_CONFLICT', `stream ${spec.name} kept changing while Ordo tried to update it`);
}

/**
 * Creates Ordo's streams or brings them up to date; safe to call from every process at every
 * start. A stream whose retention or storage differs is not touched: `STREAM_CONFLICT`.
 */
export async function ensureStreams(bus: Bus, options: EnsureStreamsOptions = {}): Promise<EnsuredStream[]> {
  const jsm = await bus.jetstreamManager();
  const out: EnsuredStream[] = [];
  for (const spec of specs(options)) out.push(await ensureOne(jsm, spec));
  return out;
}

/**
 * Makes sure the exec streams capture the given types × providers. With a non-empty prefix
 * the streams already capture every route and this only checks the tokens; with an empty
 * prefix it adds the missing `<type>.*.<provider>` subjects (creating the streams if needed).
 */
export async function ensureExecRoutes(bus: Bus, options: ExecRoutesOptions): Promise<EnsuredStream[]> {
  const prefix = assertPrefix(options.prefix ?? DEFAULT_EXEC_PREFIX);
  for (const t of options.types ?? []) assertBareType(assertToken('type', t), prefix);
  for (const p of options.providers ?? []) assertToken('provider', p);
  if (prefix !== '') return [];
  const jsm = await bus.jetstreamManager();
  const out: EnsuredStream[] = [];
  for (const spec of specs(options, true).filter((s) => s.key === 'dispatch' || s.key === 'results')) {
    out.push(await ensureOne(jsm, spec));
  }
  return out;
}
