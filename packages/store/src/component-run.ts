// A component's scheduler fields (core `SavedComponentRun`) as the store keeps them: in the
// BuildComponent row's columns, its Attempt rows, and — for the few fields nothing else holds —
// the row's `run` JSON.
//
// `run` used to hold every saved field, half of them copies of the row's columns and the
// history a copy of the Attempt rows: with every save of every component, the runner's thread
// stringified them and escaped them into the batch's JSON, and SQLite extracted and stored them
// again (bench/BENCH.md). Now it holds what no column holds, defaults left out — `{}` for a
// settled component. A `run` that is not SQL NULL still marks the component as changed since
// the build was created. Rows written before (with `state` in `run`) are read as they are.
import type {
  AttemptRecord,
  AttemptStatus,
  ComponentRun,
  ComponentState,
  SavedComponentRun,
} from '@ordo/core';

/** What `run` holds: the saved fields no column or Attempt row holds, when not at their default. */
export interface RunExtras {
  payload?: ComponentRun['payload'];
  retryDue?: true;
  cancelGraceAt?: number;
  awaitingApproval?: true;
}

/** The `run` of a component as saved now. */
export function runExtras(c: ComponentRun): RunExtras {
  const out: RunExtras = {};
  if (c.payload !== null) out.payload = c.payload;
  if (c.retryDue) out.retryDue = true;
  if (c.cancelGraceAt !== null) out.cancelGraceAt = c.cancelGraceAt;
  if (c.awaitingApproval) out.awaitingApproval = true;
  return out;
}

/** A BuildComponent row's columns that hold saved fields, as read back (JSON parsed, dates as ms). */
export interface ComponentColumns {
  state: string;
  attempt: number;
  triesLeft: number;
  outputs: unknown;
  error: string | null;
  deadline: number | null;
  retryAt: number | null;
  cancelRequested: boolean;
  approved: boolean;
  /** the parsed `run` JSON; null: not changed since the build was created */
  run: unknown;
}

/** An Attempt row, as read back. */
export interface AttemptColumns {
  componentId: string;
  attempt: number;
  dispatchedAt: number;
  finishedAt: number | null;
  status: string;
  error: string | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether `run` is the whole saved component, as rows written before this layout hold it. */
function isWholeRun(run: Record<string, unknown>): boolean {
  return typeof run.state === 'string';
}

/** The history entry of an Attempt row (as `step` builds it: no `finishedAt`/`error` when absent). */
export function attemptRecord(row: AttemptColumns): AttemptRecord {
  const record: AttemptRecord = {
    attempt: row.attempt,
    dispatchedAt: row.dispatchedAt,
    status: row.status as AttemptStatus,
  };
  if (row.finishedAt !== null) record.finishedAt = row.finishedAt;
  if (row.error !== null) record.error = row.error;
  return record;
}

/** The history of each component, from a build's Attempt rows ordered by component and attempt. */
export function historyByComponent(rows: Iterable<AttemptColumns>): Map<string, AttemptRecord[]> {
  const out = new Map<string, AttemptRecord[]>();
  for (const row of rows) {
    const list = out.get(row.componentId);
    if (list) list.push(attemptRecord(row));
    else out.set(row.componentId, [attemptRecord(row)]);
  }
  return out;
}

/**
 * The saved fields of a component from its row and its history (its Attempt rows, oldest first); undefined
 * when the component was not changed since the build was created.
 */
export function savedRun(row: ComponentColumns, history: AttemptRecord[]): SavedComponentRun | undefined {
  if (!isRecord(row.run)) return undefined;
  if (isWholeRun(row.run)) return row.run as unknown as SavedComponentRun;
  const extras = row.run as RunExtras;
  return {
    state: row.state as ComponentState,
    attempt: row.attempt,
    triesLeft: row.triesLeft,
    outputs: isRecord(row.outputs) ? row.outputs : {},
    error: row.error,
    history,
    payload: isRecord(extras.payload) ? extras.payload : null,
    deadline: row.deadline,
    retryAt: row.retryAt,
    retryDue: extras.retryDue === true,
    cancelRequested: row.cancelRequested,
    cancelGraceAt: typeof extras.cancelGraceAt === 'number' ? extras.cancelGraceAt : null,
    awaitingApproval: extras.awaitingApproval === true,
    approved: row.approved,
  };
}

/** `awaitingApproval` of a component's parsed `run`, in either layout. */
export function awaitingApprovalOf(run: unknown): boolean {
  return isRecord(run) && run.awaitingApproval === true;
}

/** The history kept in a parsed `run` of the earlier layout; undefined in the current one. */
export function wholeRunHistory(run: unknown): AttemptRecord[] | undefined {
  if (!isRecord(run) || !isWholeRun(run)) return undefined;
  return Array.isArray(run.history) ? (run.history as AttemptRecord[]) : [];
}
