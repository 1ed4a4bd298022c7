// Every NATS subject Ordo uses is built here (design.md "Subject tokens"): nothing else
// in the codebase writes a subject as a string literal.
//
//   <prefix><type>.<action>.<provider>            dispatch (prefix `ordo.exec.` or empty)
//   <prefix><type>.<action>.<provider>.done       result
//   <prefix><type>.<action>.<provider>.error      failed result
//   <prefix><type>.<action>.<provider>.cancel     cancel sent to the executor
//   ordo.events.<build>                           build events (JetStream ORDO_EVENTS)
//   ordo.logs.<build>.<component>                 executor log lines (JetStream ORDO_LOGS)
//   ordo.control.<build>                          operator commands to the runner
//   ordo.resources.<resource>                     cloud-state changes
//   ordo.resources.<resource>.lifecycle           lifecycle progress of a resource
//
// Type, action and provider must be `[A-Za-z0-9_-]+`; ids (build, component, resource) are
// free text and are encoded as base64url without padding, which is always one valid token.
import { SUBJECT_TOKEN_PATTERN } from '@ordo/contracts';
import { BusError } from './errors';

export { SUBJECT_TOKEN_PATTERN };

/** Default prefix of dispatch and result subjects (`ORDO_SUBJECT_PREFIX`). */
export const DEFAULT_EXEC_PREFIX = 'ordo.exec.';

/** Ordo's own subject root; bare (empty-prefix) exec subjects must stay out of it. */
export const ORDO_ROOT = 'ordo';

export const EVENTS_ROOT = 'ordo.events';
export const LOGS_ROOT = 'ordo.logs';
export const CONTROL_ROOT = 'ordo.control';
export const RESOURCES_ROOT = 'ordo.resources';

/** Every build's events: `ordo.events.>`. */
export const ALL_EVENTS = `${EVENTS_ROOT}.>`;
/** Every log line: `ordo.logs.>`. */
export const ALL_LOGS = `${LOGS_ROOT}.>`;
/** Every operator command: `ordo.control.>`. */
export const ALL_CONTROL = `${CONTROL_ROOT}.>`;
/** Every cloud-state change: `ordo.resources.>`. */
export const ALL_RESOURCES = `${RESOURCES_ROOT}.>`;

/** Which token of an exec subject a value is meant for (named in errors). */
export type RouteField = 'type' | 'action' | 'provider';

/** The three subject tokens of a dispatch. */
export interface ExecRoute {
  /** component type (`_component`), e.g. `vpc` */
  type: string;
  /** `create`, `update`, `delete`, `get`, `find` */
  action: string;
  /** provider, e.g. `aws`, `sim` */
  provider: string;
}

/** What an exec subject carries. */
export type ExecSubjectKind =
  /** the runner asks an executor to act */
  | 'dispatch'
  /** the executor finished successfully */
  | 'done'
  /** the executor failed */
  | 'error'
  /** the runner asks the executor to stop */
  | 'cancel';

export const RESULT_KINDS = ['done', 'error'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];

/** Throws `INVALID_TOKEN` naming the field and the value unless it is subject-safe. */
export function assertToken(field: RouteField | string, value: string): string {
  if (typeof value !== 'string' || !SUBJECT_TOKEN_PATTERN.test(value)) {
    throw new BusError(
      'INVALID_TOKEN',
      `invalid ${field} token ${JSON.stringify(value)}: must match ${SUBJECT_TOKEN_PATTERN.source}`,
    );
  }
  return value;
}

/** prefixes that passed `assertPrefix` (bounded; a process has one or two) */
const VALID_PREFIXES = new Set<string>();
/** subjects built and parsed already (bounded: cleared when full; routes are few, subjects repeat) */
const SUBJECT_CACHE_SIZE = 4096;
const ROUTE_SUBJECTS = new Map<string, string>();
const PARSED_SUBJECTS = new Map<string, ParsedExecSubject>();

/**
 * Checks a subject prefix: empty (Ernest-style bare subjects) or one or more tokens each
 * followed by a dot, e.g. `ordo.exec.`. Returns it unchanged.
 */
export function assertPrefix(prefix: string): string {
  if (VALID_PREFIXES.has(prefix)) return prefix;
  if (prefix !== '' && !/^([A-Za-z0-9_-]+\.)+$/.test(prefix)) {
    throw new BusError(
      'INVALID_PREFIX',
      `invalid subject prefix ${JSON.stringify(prefix)}: must be empty or dot-terminated tokens like "ordo.exec."`,
    );
  }
  const reserved = [EVENTS_ROOT, LOGS_ROOT, CONTROL_ROOT, RESOURCES_ROOT].find((root) =>
    prefix.startsWith(`${root}.`),
  );
  if (reserved) {
    throw new BusError(
      'INVALID_PREFIX',
      `subject prefix ${JSON.stringify(prefix)} lies inside ${reserved}.>`,
    );
  }
  if (VALID_PREFIXES.size < 64) VALID_PREFIXES.add(prefix);
  return prefix;
}

/** Picks the route out of an Ernest-form component record. */
export function routeOf(component: { _component: string; _action: string; _provider: string }): ExecRoute {
  return { type: component._component, action: component._action, provider: component._provider };
}

/**
 * With an empty prefix a dispatch subject starts with the component type, so the type
 * `ordo` would put it inside Ordo's own `ordo.>` subjects: refused with `RESERVED_TOKEN`.
 */
export function assertBareType(type: string, prefix: string): string {
  if (prefix === '' && type === ORDO_ROOT) {
    throw new BusError(
      'RESERVED_TOKEN',
      `type token "${ORDO_ROOT}" cannot be used with an empty subject prefix: its subjects would lie inside ${ORDO_ROOT}.>`,
    );
  }
  return type;
}

/** `<prefix><type>.<action>.<provider>`. */
export function dispatchSubject(route: ExecRoute, prefix: string = DEFAULT_EXEC_PREFIX): string {
  // every dispatch and every result builds one: the few routes of a process are checked once
  // (a key of valid tokens holds exactly three NULs, so no other route can share it)
  const key = `${prefix}\u0000${route.type}\u0000${route.action}\u0000${route.provider}`;
  const known = ROUTE_SUBJECTS.get(key);
  if (known !== undefined) return known;
  assertPrefix(prefix);
  const type = assertBareType(assertToken('type', route.type), prefix);
  const subject = `${prefix}${type}.${assertToken('action', route.action)}.${assertToken('provider', route.provider)}`;
  if (ROUTE_SUBJECTS.size >= SUBJECT_CACHE_SIZE) ROUTE_SUBJECTS.clear();
  ROUTE_SUBJECTS.set(key, subject);
  return subject;
}

/** `<prefix><type>.<action>.<provider>.done` or `.error`. */
export function resultSubject(
  route: ExecRoute,
  kind: ResultKind,
  prefix: string = DEFAULT_EXEC_PREFIX,
): string {
  if (kind !== 'done' && kind !== 'error')
    throw new BusError('INVALID_SUBJECT', `unknown result kind ${kind}`);
  return `${dispatchSubject(route, prefix)}.${kind}`;
}

/** `<prefix><type>.<action>.<provider>.done`. */
export function doneSubject(route: ExecRoute, prefix: string = DEFAULT_EXEC_PREFIX): string {
  return resultSubject(route, 'done', prefix);
}

/** `<prefix><type>.<action>.<provider>.error`. */
export function errorSubject(route: ExecRoute, prefix: string = DEFAULT_EXEC_PREFIX): string {
  return resultSubject(route, 'error', prefix);
}

/** `<prefix><type>.<action>.<provider>.cancel`. */
export function cancelSubject(route: ExecRoute, prefix: string = DEFAULT_EXEC_PREFIX): string {
  return `${dispatchSubject(route, prefix)}.cancel`;
}

/** A route in which any field may be left out, meaning "any" (`*`). */
export type RouteFilter = Partial<ExecRoute>;

function filterTokens(filter: RouteFilter, prefix: string): string {
  const type = filter.type === undefined ? '*' : assertBareType(assertToken('type', filter.type), prefix);
  const action = filter.action === undefined ? '*' : assertToken('action', filter.action);
  const provider = filter.provider === undefined ? '*' : assertToken('provider', filter.provider);
  return `${type}.${action}.${provider}`;
}

/**
 * A subscription / consumer filter over exec subjects of one kind, e.g.
 * `execFilter({ provider: 'sim' }, 'dispatch')` → `ordo.exec.*.*.sim`,
 * `execFilter({}, 'done')` → `ordo.exec.*.*.*.done`.
 */
export function execFilter(
  filter: RouteFilter,
  kind: ExecSubjectKind = 'dispatch',
  prefix: string = DEFAULT_EXEC_PREFIX,
): string {
  const base = `${assertPrefix(prefix)}${filterTokens(filter, prefix)}`;
  return kind === 'dispatch' ? base : `${base}.${kind}`;
}

/** What an exec subject says, or undefined when it is not one under `prefix`. */
export interface ParsedExecSubject extends ExecRoute {
  kind: ExecSubjectKind;
}

export function parseExecSubject(
  subject: string,
  prefix: string = DEFAULT_EXEC_PREFIX,
): ParsedExecSubject | undefined {
  // every delivery parses one: the few subjects of a process are parsed once (frozen: shared)
  const key = `${prefix}\u0000${subject}`;
  const known = PARSED_SUBJECTS.get(key);
  if (known !== undefined) return known;
  const parsed = parseExecSubjectOnce(subject, prefix);
  if (parsed === undefined) return undefined;
  if (PARSED_SUBJECTS.size >= SUBJECT_CACHE_SIZE) PARSED_SUBJECTS.clear();
  PARSED_SUBJECTS.set(key, Object.freeze(parsed));
  return parsed;
}

function parseExecSubjectOnce(subject: string, prefix: string): ParsedExecSubject | undefined {
  assertPrefix(prefix);
  if (!subject.startsWith(prefix)) return undefined;
  const tokens = subject.slice(prefix.length).split('.');
  const [type, action, provider, suffix] = tokens;
  if (tokens.length > 4 || type === undefined || action === undefined || provider === undefined)
    return undefined;
  if (![type, action, provider].every((t) => SUBJECT_TOKEN_PATTERN.test(t))) return undefined;
  if (prefix === '' && type === ORDO_ROOT) return undefined;
  let kind: ExecSubjectKind;
  if (suffix === undefined) kind = 'dispatch';
  else if (suffix === 'done' || suffix === 'error' || suffix === 'cancel') kind = suffix;
  else return undefined;
  return { type, action, provider, kind };
}

// ---------------------------------------------------------------------------------------
// id encoding: base64url (RFC 4648 §5) of the UTF-8 bytes, without padding. Written with
// btoa/atob and TextEncoder so the browser (nats.ws) can build the same subjects.

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ENCODED_TOKEN = /^[A-Za-z0-9_-]+$/;

/** Encodes a free-text id (may hold `.`, `::`, spaces, any Unicode) as one subject token. */
export function encodeToken(id: string): string {
  if (typeof id !== 'string' || id.length === 0) {
    throw new BusError('INVALID_ID', 'an id in a subject must be a non-empty string');
  }
  if (LONE_SURROGATE.test(id)) {
    throw new BusError('INVALID_ID', `id ${JSON.stringify(id)} holds a lone UTF-16 surrogate`);
  }
  const bytes = encoder.encode(id);
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Inverse of `encodeToken`; throws `INVALID_ENCODED_TOKEN` unless `token` is its exact output. */
export function decodeToken(token: string): string {
  const invalid = (why: string, cause?: unknown) =>
    new BusError('INVALID_ENCODED_TOKEN', `${JSON.stringify(token)} is not an encoded id: ${why}`, { cause });
  if (typeof token !== 'string' || !ENCODED_TOKEN.test(token)) throw invalid('not base64url');
  if (token.length % 4 === 1) throw invalid('impossible length');
  let id: string;
  try {
    const binary = atob(token.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    id = decoder.decode(bytes);
  } catch (err) {
    throw invalid('not UTF-8', err);
  }
  // Reject non-canonical spellings (set padding bits) so one id has exactly one subject.
  if (id.length === 0 || encodeToken(id) !== token) throw invalid('not canonical');
  return id;
}

// ---------------------------------------------------------------------------------------
// Ordo's own subjects.

/** `ordo.events.<build>`. */
export function eventsSubject(buildId: string): string {
  return `${EVENTS_ROOT}.${encodeToken(buildId)}`;
}

/** `ordo.logs.<build>.<component>`. */
export function logsSubject(buildId: string, componentId: string): string {
  return `${LOGS_ROOT}.${encodeToken(buildId)}.${encodeToken(componentId)}`;
}

/** `ordo.logs.<build>.*`: every component's log lines of one build. */
export function buildLogsFilter(buildId: string): string {
  return `${LOGS_ROOT}.${encodeToken(buildId)}.*`;
}

/** `ordo.control.<build>`: operator commands for one build. */
export function controlSubject(buildId: string): string {
  return `${CONTROL_ROOT}.${encodeToken(buildId)}`;
}

/** `ordo.resources.<resource>`: state changes of one tracked cloud resource. */
export function resourceSubject(resourceId: string): string {
  return `${RESOURCES_ROOT}.${encodeToken(resourceId)}`;
}

const LIFECYCLE_TOKEN = 'lifecycle';

/** `ordo.resources.<resource>.lifecycle`: progress of the resource's lifecycle machine. */
export function resourceLifecycleSubject(resourceId: string): string {
  return `${resourceSubject(resourceId)}.${LIFECYCLE_TOKEN}`;
}

function idsUnder(root: string, subject: string, count: number): string[] | undefined {
  if (!subject.startsWith(`${root}.`)) return undefined;
  const tokens = subject.slice(root.length + 1).split('.');
  if (tokens.length !== count) return undefined;
  try {
    return tokens.map(decodeToken);
  } catch {
    return undefined;
  }
}

/** The build id of an `ordo.events.<build>` subject, or undefined. */
export function parseEventsSubject(subject: string): { buildId: string } | undefined {
  const ids = idsUnder(EVENTS_ROOT, subject, 1);
  return ids?.[0] === undefined ? undefined : { buildId: ids[0] };
}

/** Build and component id of an `ordo.logs.<build>.<component>` subject, or undefined. */
export function parseLogsSubject(subject: string): { buildId: string; componentId: string } | undefined {
  const ids = idsUnder(LOGS_ROOT, subject, 2);
  const [buildId, componentId] = ids ?? [];
  return buildId === undefined || componentId === undefined ? undefined : { buildId, componentId };
}

/** The build id of an `ordo.control.<build>` subject, or undefined. */
export function parseControlSubject(subject: string): { buildId: string } | undefined {
  const ids = idsUnder(CONTROL_ROOT, subject, 1);
  return ids?.[0] === undefined ? undefined : { buildId: ids[0] };
}

/** The resource id of an `ordo.resources.<resource>` subject, or undefined. */
export function parseResourceSubject(subject: string): { resourceId: string } | undefined {
  const ids = idsUnder(RESOURCES_ROOT, subject, 1);
  return ids?.[0] === undefined ? undefined : { resourceId: ids[0] };
}

/** The resource id of an `ordo.resources.<resource>.lifecycle` subject, or undefined. */
export function parseResourceLifecycleSubject(subject: string): { resourceId: string } | undefined {
  const suffix = `.${LIFECYCLE_TOKEN}`;
  if (!subject.endsWith(suffix)) return undefined;
  return parseResourceSubject(subject.slice(0, -suffix.length));
}
