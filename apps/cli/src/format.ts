/**
 * Everything the CLI prints, as pure functions of the data: event lines, the build summary,
 * tables, validation problems. Colour is a parameter (on only when writing to a terminal).
 */
import type { ApiErrorDetail } from './errors';
import type {
  BuildComponent,
  BuildDetail,
  BuildSummary,
  ResourceDetail,
  RestCallback,
  RestDelivery,
  RestEvent,
  RestLifecycleSummary,
  RestResource,
} from './rest-schemas';

export interface FormatOptions {
  /** ANSI colours */
  color: boolean;
  /** clock times in the machine's zone (default) or in UTC */
  timeZone?: 'local' | 'utc';
}

const GREEN = 32;
const RED = 31;
const YELLOW = 33;
const GREY = 90;
const BOLD = 1;

/** Completed green, errored red, running yellow, the ones that stopped grey. */
const STATE_COLOURS: Readonly<Record<string, number>> = {
  completed: GREEN,
  errored: RED,
  running: YELLOW,
  cancelling: GREY,
  cancelled: GREY,
  blocked: GREY,
  skipped: GREY,
};

/** Resource states: running green, on the way yellow, gone grey, error red. */
const RESOURCE_STATE_COLOURS: Readonly<Record<string, number>> = {
  running: GREEN,
  pending: YELLOW,
  stopping: YELLOW,
  stopped: GREY,
  terminated: GREY,
  vanished: GREY,
  error: RED,
};

/** Delivery statuses: delivered green, pending/retrying yellow, failed red. */
const DELIVERY_COLOURS: Readonly<Record<string, number>> = {
  delivered: GREEN,
  pending: YELLOW,
  retrying: YELLOW,
  failed: RED,
};

/** The widest state (`cancelling`), so that the column after the state lines up. */
const STATE_WIDTH = 10;

export function paint(text: string, code: number | undefined, color: boolean): string {
  return color && code !== undefined && text !== '' ? `\u001b[${code}m${text}\u001b[0m` : text;
}

export function paintState(state: string, color: boolean): string {
  return paint(state, STATE_COLOURS[state], color);
}

/**
 * One line for one event: time, component (or `build`), what happened, detail.
 *
 *     12:00:01  vpc::prod   running
 *     12:00:02  vpc::prod   errored     quota exceeded
 *     12:00:05  vpc::prod   retry       by alice@laptop
 *     12:00:09  build       completed
 *
 * `idWidth` pads the component column (the longest component id of the build).
 */
export function formatEventLine(event: RestEvent, options: FormatOptions & { idWidth?: number }): string {
  const subject = oneLine(event.component_id ?? 'build');
  const [rawWhat, rawDetail, colour] = describeEvent(event);
  const what = oneLine(rawWhat);
  const detail = oneLine(rawDetail);
  const columns = [formatClock(event.at, options.timeZone ?? 'local'), pad(subject, options.idWidth ?? 0)];
  if (detail === '') columns.push(paint(what, colour, options.color));
  else
    columns.push(
      paint(what, colour, options.color) + ' '.repeat(Math.max(0, STATE_WIDTH - what.length)),
      detail,
    );
  return columns.join('  ').trimEnd();
}

function describeEvent(event: RestEvent): [what: string, detail: string, colour: number | undefined] {
  const message = event.message ?? '';
  switch (event.type) {
    case 'build_state':
    case 'component_state': {
      const state = event.state ?? '?';
      const attempt = event.attempt != null && event.attempt > 1 ? `attempt ${event.attempt}` : '';
      return [state, [attempt, message].filter((part) => part !== '').join(': '), STATE_COLOURS[state]];
    }
    case 'action': {
      const action = event.action ?? event.state ?? 'action';
      const by = event.actor != null && event.actor !== '' ? `by ${event.actor}` : '';
      return [action, [by, message].filter((part) => part !== '').join(': '), BOLD];
    }
    case 'log':
      return ['log', message, undefined];
  }
}

/** `build <id> <state>: N completed, N errored, …` (completed and errored always, others when present). */
export function formatSummary(build: BuildDetail, options: FormatOptions): string {
  const counts = new Map<string, number>([
    ['completed', 0],
    ['errored', 0],
  ]);
  for (const component of build.components) {
    counts.set(component._state, (counts.get(component._state) ?? 0) + 1);
  }
  const parts = [...counts]
    .filter(([state, count]) => count > 0 || state === 'completed' || state === 'errored')
    .map(([state, count]) => `${count} ${state}`);
  return `build ${oneLine(build.id)} ${paintState(build.state, options.color)}: ${parts.join(', ')}`;
}

/** `ordo status`: one row per component. */
export function formatComponentTable(components: readonly BuildComponent[], options: FormatOptions): string {
  return formatTable(
    ['COMPONENT', 'ACTION', 'STATE', 'ATTEMPTS', 'ERROR'],
    components.map((c) => [c._component_id, c._action, c._state, String(c.attempts), c.error ?? '']),
    (column, text) => (column === 2 ? paintState(text, options.color) : text),
  );
}

/** `ordo builds`: one row per build. */
export function formatBuildTable(builds: readonly BuildSummary[], options: FormatOptions): string {
  const zone = options.timeZone ?? 'local';
  return formatTable(
    ['ID', 'ENVIRONMENT', 'STATE', 'CREATED', 'FINISHED'],
    builds.map((b) => [
      b.id,
      b.environment ?? '',
      b.state,
      formatDateTime(b.created_at, zone),
      formatDateTime(b.finished_at, zone),
    ]),
    (column, text) => (column === 2 ? paintState(text, options.color) : text),
  );
}

/** `ordo resources`: one row per resource. */
export function formatResourceTable(resources: readonly RestResource[], options: FormatOptions): string {
  return formatTable(
    ['ID', 'COMPONENT', 'TYPE', 'PROVIDER', 'PROVIDER ID', 'ENVIRONMENT', 'STATE', 'ADDRESS'],
    resources.map((r) => [
      r.id,
      r.component ?? '',
      r.type,
      r.provider,
      r.provider_id,
      r.environment ?? '',
      r.pending_action ? `${r.state} (${r.pending_action})` : r.state,
      r.public_ip ?? r.private_ip ?? '',
    ]),
    (column, text) =>
      column === 6 ? paint(text, RESOURCE_STATE_COLOURS[text.split(' ')[0] ?? ''], options.color) : text,
  );
}

/** `ordo resource <id>`: the facts, then history, actions, callbacks and lifecycle runs. */
export function formatResourceDetail(detail: ResourceDetail, options: FormatOptions): string {
  const zone = options.timeZone ?? 'local';
  const r = detail.resource;
  const state = paint(r.state, RESOURCE_STATE_COLOURS[r.state], options.color);
  const facts: Array<[string, string]> = [
    ['component', r.component ?? ''],
    ['type', r.type],
    ['provider', `${r.provider} ${r.provider_id}`],
    ['environment', r.environment ?? ''],
    ['state', r.pending_action ? `${state} (${r.pending_action} in progress)` : state],
    ['public ip', r.public_ip ?? ''],
    ['private ip', r.private_ip ?? ''],
    ['key', r.key_name ?? ''],
    ['build', r.build ?? ''],
    ['last polled', formatDateTime(r.last_polled_at, zone)],
  ];
  if (r.error) facts.push(['error', r.error]);
  const width = Math.max(...facts.map(([key]) => key.length));
  const lines = [`resource ${oneLine(r.id)}`];
  for (const [key, value] of facts) {
    if (value !== '') lines.push(`  ${key.padEnd(width)}  ${oneLine(value)}`);
  }
  lines.push('', 'history:');
  lines.push(
    indent(
      formatTable(
        ['TIME', 'FROM', 'TO', 'BY', 'REASON'],
        detail.history.map((e) => [
          formatDateTime(e.at, zone),
          e.old_state ?? '-',
          e.new_state,
          e.actor ?? '',
          e.reason ?? '',
        ]),
      ),
    ),
  );
  if (detail.actions.length > 0) {
    lines.push('', 'actions:');
    lines.push(
      indent(
        formatTable(
          ['TIME', 'ACTION', 'BY', 'OUTCOME'],
          detail.actions.map((a) => [
            formatDateTime(a.at, zone),
            a.action,
            a.actor,
            a.accepted ? 'accepted' : `refused: ${a.reason ?? ''}`,
          ]),
        ),
      ),
    );
  }
  lines.push('', detail.callbacks.length === 0 ? 'callbacks: none' : 'callbacks:');
  if (detail.callbacks.length > 0) lines.push(indent(formatCallbackTable(detail.callbacks)));
  for (const run of detail.lifecycle_runs) {
    lines.push(
      '',
      `lifecycle ${oneLine(run.type)} v${run.version}: ${run.status} in ${oneLine(run.current)}`,
    );
    for (const h of run.history) {
      const failed = h.ok ? '' : `  failed${h.error ? `: ${h.error}` : ''}`;
      lines.push(
        `  ${formatDateTime(h.at, zone)}  ${oneLine(`${h.from} -> ${h.to} (${h.trigger})${failed}`)}`,
      );
    }
  }
  return lines.join('\n');
}

/** `ordo callbacks list`: one row per callback (never a secret: the API does not answer them). */
export function formatCallbackTable(callbacks: readonly RestCallback[]): string {
  return formatTable(
    ['ID', 'FOR', 'DESTINATION', 'STATES'],
    callbacks.map((c) => [
      c.id,
      c.resource ? `resource ${c.resource}` : `environment ${c.environment ?? ''}`,
      c.url ?? `nats ${c.subject ?? ''}`,
      c.states && c.states.length > 0 ? c.states.join(',') : 'all',
    ]),
  );
}

/** `ordo callbacks deliveries <id>`: one row per attempt, newest first. */
export function formatDeliveryTable(deliveries: readonly RestDelivery[], options: FormatOptions): string {
  const zone = options.timeZone ?? 'local';
  return formatTable(
    ['TIME', 'CHANGE', 'STATUS', 'HTTP', 'ATTEMPT', 'LATENCY', 'ERROR'],
    deliveries.map((d) => [
      formatDateTime(d.at, zone),
      `${d.old_state ?? '-'} -> ${d.new_state}`,
      d.status,
      d.http_status == null ? '' : String(d.http_status),
      String(d.attempt),
      d.latency_ms == null ? '' : `${Math.round(d.latency_ms)} ms`,
      d.error ?? '',
    ]),
    (column, text) => (column === 2 ? paint(text, DELIVERY_COLOURS[text], options.color) : text),
  );
}

/** `ordo lifecycle list`. */
export function formatLifecycleTable(
  lifecycles: readonly RestLifecycleSummary[],
  options: FormatOptions,
): string {
  const zone = options.timeZone ?? 'local';
  return formatTable(
    ['TYPE', 'VERSION', 'BY', 'SAVED'],
    lifecycles.map((l) => [l.type, String(l.version), l.actor ?? '', formatDateTime(l.created_at, zone)]),
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/**
 * Columns padded to their widest cell, two spaces apart, no trailing spaces. Cells are made
 * one line; `paintCell` colours a cell after its width was measured.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  paintCell: (column: number, text: string) => string = (_, text) => text,
): string {
  const all = [header, ...rows].map((row) => row.map(oneLine));
  const widths = header.map((_, column) => Math.max(...all.map((row) => (row[column] ?? '').length)));
  return all
    .map((row, index) =>
      row
        .map((cell, column) => {
          const shown = index === 0 ? cell : paintCell(column, cell);
          return column === row.length - 1 ? shown : shown + ' '.repeat((widths[column] ?? 0) - cell.length);
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** A rejected request's problems, one per line: `  - message (code at path)`. */
export function formatDetails(details: readonly ApiErrorDetail[]): string[] {
  return details.map((detail) => {
    const where = [detail.code, detail.path !== undefined ? `at ${detail.path}` : undefined]
      .filter((part) => part !== undefined && part !== '')
      .join(' ');
    const text = detail.message ?? detail.code ?? 'invalid';
    const ids =
      detail.ids !== undefined && detail.ids.length > 0 && detail.message === undefined
        ? ` [${detail.ids.join(', ')}]`
        : '';
    return `  - ${oneLine(text)}${ids}${where === '' ? '' : ` (${oneLine(where)})`}`;
  });
}

/** `HH:MM:SS` of epoch milliseconds or an ISO string; anything else as given. */
export function formatClock(at: number | string, zone: 'local' | 'utc'): string {
  const date = toDate(at);
  if (date === undefined) return String(at);
  const parts =
    zone === 'utc'
      ? [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getHours(), date.getMinutes(), date.getSeconds()];
  return parts.map(two).join(':');
}

/** `YYYY-MM-DD HH:MM:SS`; empty when absent. */
export function formatDateTime(at: number | string | null | undefined, zone: 'local' | 'utc'): string {
  if (at === null || at === undefined) return '';
  const date = toDate(at);
  if (date === undefined) return String(at);
  const day =
    zone === 'utc'
      ? [date.getUTCFullYear(), two(date.getUTCMonth() + 1), two(date.getUTCDate())]
      : [date.getFullYear(), two(date.getMonth() + 1), two(date.getDate())];
  return `${day.join('-')} ${formatClock(at, zone)}`;
}

function toDate(at: number | string): Date | undefined {
  const date = new Date(typeof at === 'number' ? at : Date.parse(at));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function two(value: number): string {
  return String(value).padStart(2, '0');
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/**
 * Text from the server on one terminal line: line breaks shown as `⏎`, other control
 * characters (an escape sequence in an error message, say) as `?`. Our own colour codes are
 * added after this runs.
 */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
  return text.replace(/\s*\r?\n\s*/g, ' ⏎ ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
}

/**
 * JSON indented by two spaces, except that an array of numbers stays on one line: a gorch
 * `digraph` (n×n entries) reads as a row, not as n×n lines.
 */
export function formatJson(value: unknown): string {
  return toJson(value, '');
}

function toJson(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((item) => typeof item === 'number'))
      return `[${value.map((n) => JSON.stringify(n)).join(', ')}]`;
    const inner = `${indent}  `;
    return `[\n${value.map((item) => inner + toJson(item ?? null, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
    if (entries.length === 0) return '{}';
    const inner = `${indent}  `;
    const lines = entries.map(([key, v]) => `${inner}${JSON.stringify(key)}: ${toJson(v, inner)}`);
    return `{\n${lines.join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
