// JSON bodies checked by a zod schema on the way out and on the way in, and NATS headers
// as plain records.
import {
  buildEventBatchSchema,
  dispatchMessageSchema,
  execHeadersSchema,
  isBuildEventBatch,
  isDispatchMessage,
  isResultMessage,
  parseExecHeaders,
  resultMessageSchema,
} from '@ordo/contracts';
import { type Match, type MsgHdrs, MsgHdrsImpl } from 'nats';
import { z } from 'zod';
import { BusError } from './errors';

const decoder = new TextDecoder();

/**
 * Hand-written equivalents of the schemas every dispatch, result and event batch passes
 * (@ordo/contracts, checked against the schemas there): each returns the schema's output for
 * a value it accepts, or undefined — and then the schema itself decides, and words the error.
 */
type FastParse = (value: unknown) => unknown;
const FAST_PARSE = new Map<z.ZodType, FastParse>([
  [dispatchMessageSchema, (v) => (isDispatchMessage(v) ? v : undefined)],
  [resultMessageSchema, (v) => (isResultMessage(v) ? v : undefined)],
  [buildEventBatchSchema, (v) => (isBuildEventBatch(v) ? v : undefined)],
  [execHeadersSchema, (v) => parseExecHeaders(v as Record<string, unknown>)],
]);

/** `schema.safeParse(value)`, through the fast check when the schema has one. */
function parse<T>(schema: z.ZodType<T>, value: unknown): z.ZodSafeParseResult<T> {
  const fast = FAST_PARSE.get(schema)?.(value);
  if (fast !== undefined) return { success: true, data: fast as T };
  return schema.safeParse(value);
}

/** Header name → value (the first value when the wire carried several). */
export type HeaderRecord = Readonly<Record<string, string>>;

/** Validates `value` and encodes what the schema returns as JSON; throws `INVALID_MESSAGE`. */
export function encodeJson<S extends z.ZodType>(schema: S, value: z.input<S>, subject: string): Uint8Array {
  const parsed = parse(schema, value);
  if (!parsed.success) {
    throw new BusError(
      'INVALID_MESSAGE',
      `refusing to publish an invalid message on ${subject}:\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return utf8(JSON.stringify(parsed.data));
}

/**
 * UTF-8 bytes of `text`. `Buffer.from` (a Uint8Array) cuts short strings out of Node's shared
 * pool, where TextEncoder makes an ArrayBuffer for each: on the hot path (every publish) that is
 * one less object for the garbage collector's ArrayBuffer sweeping per message.
 */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}

/** A header name as nats.js accepts it: printable ASCII (33–126) but the colon. */
const HEADER_NAME = /^[!-9;-~]+$/;
const LINE_BREAK = /[\r\n]/;
/** header names that passed HEADER_NAME (bounded: names are few, values are not cached) */
const VALID_NAMES = new Set<string>();

/**
 * nats.js headers, filled and encoded in one go. nats.js's own `set()` looks every key up
 * twice, canonicalises it and compiles a regex per call, and `encode()` rebuilds the text each
 * time: together the largest source of garbage per message on the hot path. This is the same
 * class (every MsgHdrs method works as usual), with the checks `set()` makes done once per
 * value, and the encoding kept until a header changes.
 */
class PresetHeaders extends MsgHdrsImpl {
  #encoded: Uint8Array | undefined;

  constructor(entries: ReadonlyArray<readonly [string, string]>) {
    super();
    for (const [key, value] of entries) {
      // as set(): a later key replaces an earlier one, the value is trimmed
      this.headers.set(key, [checkedValue(key, value)]);
    }
  }

  override encode(): Uint8Array {
    if (this.#encoded) return this.#encoded;
    let text = 'NATS/1.0';
    if (this._code > 0 && this._description !== '') text += ` ${this._code} ${this._description}`;
    for (const [key, values] of this.headers) for (const value of values) text += `\r\n${key}: ${value}`;
    this.#encoded = utf8(`${text}\r\n\r\n`);
    return this.#encoded;
  }

  override set(k: string, v: string, match?: Match): void {
    this.#encoded = undefined;
    super.set(k, v, match);
  }

  override append(k: string, v: string, match?: Match): void {
    this.#encoded = undefined;
    super.append(k, v, match);
  }

  override delete(k: string, match?: Match): void {
    this.#encoded = undefined;
    super.delete(k, match);
  }
}

/**
 * The headers of a publish of the bus's own, encoded at once. nats.js calls nothing but
 * `encode()` on a publish's headers (protocol.publish), so this is the encoded block alone —
 * not a MsgHdrsImpl with its Map and an array per header for every message. Same checks, same
 * text as `PresetHeaders` (a name given twice: the later value, in the earlier place — rare
 * enough to go through `PresetHeaders`). Undefined when there are no headers.
 */
export function publishHeaders(
  record: Readonly<Record<string, string>> | undefined,
  extra: ReadonlyArray<readonly [string, string]> = [],
): MsgHdrs | undefined {
  const repeated = extra.some(
    ([name], i) =>
      (record !== undefined && Object.hasOwn(record, name)) ||
      extra.findIndex(([other]) => other === name) < i,
  );
  if (repeated) return msgHdrsOf([...Object.entries(record ?? {}), ...extra]);
  let text = 'NATS/1.0';
  for (const [key, value] of [...Object.entries(record ?? {}), ...extra]) text += headerLine(key, value);
  if (text.length === 8) return undefined;
  return new EncodedHeaders(utf8(`${text}\r\n\r\n`)) as unknown as MsgHdrs;
}

/** `\r\n<name>: <value>` */
function headerLine(key: string, value: string): string {
  return `\r\n${key}: ${checkedValue(key, value)}`;
}

/** A header's value, trimmed, once its name and value pass what nats.js's `set()` checks. */
function checkedValue(key: string, value: string): string {
  if (!validName(key)) throw new BusError('INVALID_MESSAGE', `invalid header ${JSON.stringify(key)}`);
  if (LINE_BREAK.test(value)) throw new BusError('INVALID_MESSAGE', `header ${key} holds a line break`);
  return value.trim();
}

/**
 * Whether nats.js accepts `key` as a header name. The bus's own few names come with every
 * message: each is tested once (the set is bounded; values are never cached).
 */
function validName(key: string): boolean {
  if (VALID_NAMES.has(key)) return true;
  if (!HEADER_NAME.test(key)) return false;
  if (VALID_NAMES.size < 256) VALID_NAMES.add(key);
  return true;
}

/** An encoded header block, for a publish (see `publishHeaders`). */
class EncodedHeaders {
  readonly #block: Uint8Array;
  constructor(block: Uint8Array) {
    this.#block = block;
  }
  encode(): Uint8Array {
    return this.#block;
  }
}

/** NATS headers from a record; undefined when there are none. */
export function toMsgHdrs(record: Record<string, string> | undefined): MsgHdrs | undefined {
  if (record === undefined) return undefined;
  const entries = Object.entries(record);
  if (entries.length === 0) return undefined;
  return new PresetHeaders(entries);
}

/** NATS headers from name/value pairs (the record's entries plus JetStream's own, say). */
export function msgHdrsOf(entries: ReadonlyArray<readonly [string, string]>): MsgHdrs {
  return new PresetHeaders(entries);
}

/** A record of the message's headers (first value of each). */
export function headerRecord(hdrs: MsgHdrs | undefined): HeaderRecord {
  const out: Record<string, string> = {};
  if (!hdrs) return out;
  // the entries themselves: keys() + values(key) would search the keys once per key
  for (const [key, values] of hdrs) {
    const first = values[0];
    if (first !== undefined) out[key] = first;
  }
  return out;
}

/**
 * The header record of a received message read straight from its raw header block, as
 * `headerRecord(msg.headers)` would give it — without nats.js's decoding into MsgHdrs, which
 * canonicalises and looks up every key and builds arrays and maps per header: on the hot path
 * (every dispatch and result) the largest source of garbage left. This reads where nats.js
 * 2.29 keeps the block (`_rdata`, `_msg.hdr` of the message, of `.msg` for a JetStream one);
 * when it is not there, or a header is one nats.js would refuse, it returns undefined and the
 * caller uses `msg.headers` as before. codec.test.ts checks both give the same record.
 */
export function rawHeaderRecord(message: object): HeaderRecord | undefined {
  const inner = (message as { msg?: unknown }).msg ?? message;
  const raw = inner as { _rdata?: unknown; _msg?: { hdr?: unknown } };
  const hdr = raw._msg?.hdr;
  if (!(raw._rdata instanceof Uint8Array) || typeof hdr !== 'number') return undefined;
  if (hdr < 0) return {};
  const lines = decoder.decode(raw._rdata.subarray(0, hdr)).split('\r\n');
  const out: Record<string, string> = {};
  // lines[0] is the status line (`NATS/1.0 503 …`): not a header
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (!validName(key) || LINE_BREAK.test(value)) return undefined;
    // the first value of a repeated header, as headerRecord keeps it
    if (!Object.hasOwn(out, key)) out[key] = value;
  }
  return out;
}

/** What a received message decoded to. */
export type Decoded<T, M> =
  | { ok: true; data: T; meta: M; headers: HeaderRecord }
  | { ok: false; error: string; headers: HeaderRecord };

/**
 * Parses the JSON body with `schema` and, when given, the header record with `metaSchema`.
 * Never throws: a bad message is reported as `{ ok: false, error }` for the caller to log.
 */
export function decodeMessage<T, M>(
  message: { data: Uint8Array; headers?: MsgHdrs | undefined },
  schema: z.ZodType<T>,
  metaSchema: z.ZodType<M> | undefined,
): Decoded<T, M> {
  const headers = rawHeaderRecord(message) ?? headerRecord(message.headers);
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(message.data));
  } catch (err) {
    return { ok: false, error: `body is not JSON: ${(err as Error).message}`, headers };
  }
  const body = parse(schema, json);
  if (!body.success) return { ok: false, error: `body: ${z.prettifyError(body.error)}`, headers };
  if (metaSchema === undefined) return { ok: true, data: body.data, meta: undefined as M, headers };
  const meta = parse(metaSchema, headers);
  if (!meta.success) return { ok: false, error: `headers: ${z.prettifyError(meta.error)}`, headers };
  return { ok: true, data: body.data, meta: meta.data, headers };
}
