// JSON bodies checked by a zod schema on the way out and on the way in, and NATS headers
// as plain records.
import { type MsgHdrs, headers as natsHeaders } from 'nats';
import { z } from 'zod';
import { BusError } from './errors';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Header name → value (the first value when the wire carried several). */
export type HeaderRecord = Readonly<Record<string, string>>;

/** Validates `value` and encodes what the schema returns as JSON; throws `INVALID_MESSAGE`. */
export function encodeJson<S extends z.ZodType>(schema: S, value: z.input<S>, subject: string): Uint8Array {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new BusError(
      'INVALID_MESSAGE',
      `refusing to publish an invalid message on ${subject}:\n${z.prettifyError(parsed.error)}`,
      { cause: parsed.error },
    );
  }
  return encoder.encode(JSON.stringify(parsed.data));
}

/** NATS headers from a record; undefined when there are none. */
export function toMsgHdrs(record: Record<string, string> | undefined): MsgHdrs | undefined {
  if (record === undefined) return undefined;
  const entries = Object.entries(record);
  if (entries.length === 0) return undefined;
  const hdrs = natsHeaders();
  for (const [key, value] of entries) {
    if (/[\r\n]/.test(value)) {
      throw new BusError('INVALID_MESSAGE', `header ${key} holds a line break`);
    }
    try {
      hdrs.set(key, value);
    } catch (err) {
      throw new BusError('INVALID_MESSAGE', `invalid header ${JSON.stringify(key)}`, { cause: err });
    }
  }
  return hdrs;
}

/** A record of the message's headers (first value of each). */
export function headerRecord(hdrs: MsgHdrs | undefined): HeaderRecord {
  const out: Record<string, string> = {};
  if (!hdrs) return out;
  for (const key of hdrs.keys()) {
    const first = hdrs.values(key)[0];
    if (first !== undefined) out[key] = first;
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
  const headers = headerRecord(message.headers);
  let json: unknown;
  try {
    json = JSON.parse(decoder.decode(message.data));
  } catch (err) {
    return { ok: false, error: `body is not JSON: ${(err as Error).message}`, headers };
  }
  const body = schema.safeParse(json);
  if (!body.success) return { ok: false, error: `body: ${z.prettifyError(body.error)}`, headers };
  if (metaSchema === undefined) return { ok: true, data: body.data, meta: undefined as M, headers };
  const meta = metaSchema.safeParse(headers);
  if (!meta.success) return { ok: false, error: `headers: ${z.prettifyError(meta.error)}`, headers };
  return { ok: true, data: body.data, meta: meta.data, headers };
}
