// Bulk writes: many rows in ONE SQL statement, the rows passed as one JSON parameter and read
// back with `json_each`.
//
// Why not Prisma's createMany/update: through the query compiler and the libSQL adapter each
// row costs Prisma about 0.3 ms to insert (createMany) and 1.2 ms to update (one update per
// row; SQLite has no bulk update in Prisma), so saving 500 components and 1,000 events took
// about 2 s and creating a 5,000-component build about 2 s (bench/builds.ts prints both ways).
// A statement here costs one round through the adapter whatever the row count.
//
// SQLite only (json_each, `->>`). The PostgreSQL port, when it comes, needs the same statements
// over `json_array_elements`. Values are written exactly as Prisma writes them on SQLite, so Prisma
// reads and filters them unchanged: DateTime as `YYYY-MM-DDTHH:MM:SS.sss+00:00` text (sqlDate),
// Boolean as 0/1, Json as JSON text.
import type { Prisma } from './generated/prisma/client';
import type { SqlStatement, SqlTransaction, SqlValue } from './sqlite';

/**
 * Where the statements run: a raw transaction on the store's connection (sqlite.ts; the
 * runner's saves), or a Prisma interactive transaction (build creation and log lines, which mix
 * in Prisma queries). The same SQL and the same values either way.
 */
export type Tx = SqlTransaction | Prisma.TransactionClient;

/** The statements of `tx`, whichever kind it is. */
export function sqlOf(tx: Tx): SqlTransaction {
  if (!('$executeRawUnsafe' in tx)) return tx;
  return {
    execute: (sql, args = []) => tx.$executeRawUnsafe(sql, ...args),
    query: <T>(sql: string, args: readonly SqlValue[] = []) => tx.$queryRawUnsafe<T[]>(sql, ...args),
  };
}

/**
 * How a column's value is passed: `value` as itself (string, number, boolean → 0/1, null), `json`
 * as the JSON text `JSON.stringify` makes of it (null stays SQL NULL). Both are read with `->>`:
 * a JSON column's text is stored exactly as JavaScript wrote it, and SQLite does not parse and
 * re-serialise it (which took about twice as long for a batch of components).
 */
type Kind = 'value' | 'json';

/** The last date formatted: a batch writes the same `now` many times (events, attempts, rows). */
let lastMs = Number.NaN;
let lastText = '';
/** `YYYY-MM-DDTHH:MM:SS.` of a few recent seconds (a batch's times fall in one or two: now, deadlines) */
const SECONDS = 4;
const secondKeys = new Float64Array(SECONDS).fill(Number.NaN);
const secondTexts: string[] = new Array<string>(SECONDS).fill('');
let nextSecond = 0;
/** 9999-12-31T23:59:59.999Z: later (and negative) times have other ISO forms */
const LAST_FOUR_DIGIT_MS = 253_402_300_799_999;

/** A DateTime as Prisma stores it on SQLite (`Date.toISOString()` with `+00:00` for `Z`). */
export function sqlDate(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  if (ms === lastMs) return lastText;
  lastMs = ms;
  if (!Number.isInteger(ms) || ms < 0 || ms > LAST_FOUR_DIGIT_MS) {
    lastText = new Date(ms).toISOString().replace(/Z$/, '+00:00');
    return lastText;
  }
  // the second's text once, then the milliseconds: thousands of distinct times per batch (each
  // deadline, each event) cost a Date and an ISO string each before
  const second = Math.floor(ms / 1000);
  let slot = secondKeys.indexOf(second);
  if (slot < 0) {
    slot = nextSecond;
    nextSecond = (nextSecond + 1) % SECONDS;
    secondKeys[slot] = second;
    secondTexts[slot] = new Date(second * 1000).toISOString().slice(0, 20);
  }
  const milli = ms - second * 1000;
  lastText = `${secondTexts[slot]}${String(milli).padStart(3, '0')}+00:00`;
  return lastText;
}

function quote(name: string): string {
  return `"${name}"`;
}

function selectList(columns: ReadonlyArray<readonly [string, Kind]>): string {
  return columns.map((_, i) => `value ->> ${i}`).join(', ');
}

/**
 * The rows as one JSON parameter, `json` columns as JSON text. The rows are consumed: their
 * `json` cells are replaced by that text (callers build them for the one statement).
 */
function encode(columns: ReadonlyArray<readonly [string, Kind]>, rows: unknown[][]): string {
  const json = columns.flatMap(([, kind], i) => (kind === 'json' ? [i] : []));
  if (json.length > 0) {
    for (const row of rows) {
      for (const i of json) {
        const value = row[i];
        row[i] = value === null || value === undefined ? null : JSON.stringify(value);
      }
    }
  }
  return JSON.stringify(rows);
}

/**
 * `INSERT INTO table (columns) SELECT … FROM json_each(rows)`: each row is an array of values in
 * column order. Rows are inserted in order (autoincrement keys follow it). Here and in the other
 * statements of this file, `rows` is consumed: its `json` cells become their JSON text.
 */
export async function insertRows(
  tx: Tx,
  table: string,
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
): Promise<void> {
  const statement = insertStatement(table, columns, rows);
  if (statement) await sqlOf(tx).execute(statement.sql, statement.args);
}

/** The statement of `insertRows`; undefined when there are no rows. */
export function insertStatement(
  table: string,
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
): SqlStatement | undefined {
  if (rows.length === 0) return undefined;
  const sql = `INSERT INTO ${quote(table)} (${columns.map(([c]) => quote(c)).join(', ')}) SELECT ${selectList(
    columns,
  )} FROM json_each(?) ORDER BY key`;
  return { sql, args: [encode(columns, rows)] };
}

/**
 * Updates rows found by `keys` (equality on each key column; `fixed` are equal for every row),
 * setting `columns`; each row is `[...keys, ...columns]`. Returns the count of rows updated.
 *
 * The CTE is MATERIALIZED so that SQLite loops over the JSON rows and looks each target up by its
 * key; otherwise it scans the build's rows and re-reads the JSON for each (500 updates: 1.5 s
 * instead of 1 ms).
 */
export async function updateRows(
  tx: Tx,
  table: string,
  fixed: Record<string, string>,
  keys: readonly string[],
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
): Promise<number> {
  const statement = updateStatement(table, fixed, keys, columns, rows);
  return statement ? sqlOf(tx).execute(statement.sql, statement.args) : 0;
}

/** The statement of `updateRows`; undefined when there are no rows. */
export function updateStatement(
  table: string,
  fixed: Record<string, string>,
  keys: readonly string[],
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
): SqlStatement | undefined {
  if (rows.length === 0) return undefined;
  const all = [...keys.map((k) => [k, 'value'] as const), ...columns];
  const names = all.map((_, i) => `c${i}`);
  const cte = `WITH j AS MATERIALIZED (SELECT ${all
    .map((_, i) => `value ->> ${i} AS ${names[i]}`)
    .join(', ')} FROM json_each(?))`;
  const set = columns.map(([c], i) => `${quote(c)} = j.${names[keys.length + i]}`).join(', ');
  const fixedNames = Object.keys(fixed);
  const where = [
    ...fixedNames.map((c) => `${quote(table)}.${quote(c)} = ?`),
    ...keys.map((k, i) => `${quote(table)}.${quote(k)} = j.${names[i]}`),
  ].join(' AND ');
  const sql = `${cte} UPDATE ${quote(table)} SET ${set} FROM j WHERE ${where}`;
  return { sql, args: [encode(all, rows), ...fixedNames.map((c) => fixed[c] as string)] };
}

/**
 * `INSERT … ON CONFLICT (conflict) DO UPDATE SET update = excluded.update`: rows whose key exists
 * are updated in place (an autoincrement key keeps its value), the others inserted in order.
 */
export async function upsertRows(
  tx: Tx,
  table: string,
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
  conflict: readonly string[],
  update: readonly string[],
): Promise<void> {
  const statement = upsertStatement(table, columns, rows, conflict, update);
  if (statement) await sqlOf(tx).execute(statement.sql, statement.args);
}

/** A scalar SQL expression with its arguments, e.g. `(SELECT "x" FROM "T" WHERE "id" = ?)`. */
export interface SqlExpr {
  readonly expr: string;
  readonly args: readonly SqlValue[];
}

/**
 * The statement of `upsertRows`; undefined when there are no rows. `lead`: one more column, first,
 * whose value for every row is an SQL expression (a value the statement looks up itself).
 */
export function upsertStatement(
  table: string,
  columns: ReadonlyArray<readonly [string, Kind]>,
  rows: unknown[][],
  conflict: readonly string[],
  update: readonly string[],
  lead?: { column: string; value: SqlExpr },
): SqlStatement | undefined {
  if (rows.length === 0) return undefined;
  const names = [...(lead ? [lead.column] : []), ...columns.map(([c]) => c)];
  const values = [...(lead ? [lead.value.expr] : []), selectList(columns)];
  const sql = `INSERT INTO ${quote(table)} (${names.map(quote).join(', ')}) SELECT ${values.join(
    ', ',
  )} FROM json_each(?) WHERE true ORDER BY key ON CONFLICT (${conflict.map(quote).join(', ')}) DO UPDATE SET ${update
    .map((c) => `${quote(c)} = excluded.${quote(c)}`)
    .join(', ')}`;
  return { sql, args: [...(lead ? lead.value.args : []), encode(columns, rows)] };
}

/** `DELETE FROM table WHERE fixed… AND column IN (values)`. */
export async function deleteRows(
  tx: Tx,
  table: string,
  fixed: Record<string, string>,
  column: string,
  values: readonly string[],
): Promise<void> {
  const statement = deleteStatement(table, fixed, column, values);
  if (statement) await sqlOf(tx).execute(statement.sql, statement.args);
}

/** The statement of `deleteRows`; undefined when there are no values. A fixed value may be an SQL expression. */
export function deleteStatement(
  table: string,
  fixed: Record<string, string | SqlExpr>,
  column: string,
  values: readonly string[],
): SqlStatement | undefined {
  if (values.length === 0) return undefined;
  const conditions: string[] = [];
  const args: SqlValue[] = [];
  for (const [name, value] of Object.entries(fixed)) {
    if (typeof value === 'string') {
      conditions.push(`${quote(name)} = ?`);
      args.push(value);
    } else {
      conditions.push(`${quote(name)} = ${value.expr}`);
      args.push(...value.args);
    }
  }
  const sql = `DELETE FROM ${quote(table)} WHERE ${conditions.join(' AND ')} AND ${quote(
    column,
  )} IN (SELECT value FROM json_each(?))`;
  return { sql, args: [...args, JSON.stringify(values)] };
}
