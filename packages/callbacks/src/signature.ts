// Signed callback deliveries (design.md "REST API", last paragraph): headers
// `Ordo-Timestamp: <unix seconds>` and `Ordo-Signature: sha256=<hex HMAC-SHA256 of
// "<timestamp>.<body>">` with the callback's secret. A receiver recomputes the HMAC over the raw
// body (reject on mismatch: a forgery) and rejects an old timestamp (a replay).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'Ordo-Timestamp';
export const SIGNATURE_HEADER = 'Ordo-Signature';

/** A new callback secret: 32 random bytes, hex (shown once, at creation). */
export function newCallbackSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The two headers of a delivery of `body` at `now` (ms). */
export function signatureHeaders(
  secret: string,
  body: string,
  now: number = Date.now(),
): Record<string, string> {
  const timestamp = Math.floor(now / 1000);
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signPayload(secret, timestamp, body) };
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

/**
 * What a receiver does: checks the signature over the raw body and that the timestamp is
 * within `toleranceSeconds` of `now` (default 5 minutes).
 */
export function verifySignature(
  secret: string,
  headers: { timestamp: string | null | undefined; signature: string | null | undefined },
  body: string,
  options: { now?: number; toleranceSeconds?: number } = {},
): VerifyResult {
  const { timestamp, signature } = headers;
  if (!timestamp || !/^\d+$/.test(timestamp))
    return { ok: false, reason: `missing or malformed ${TIMESTAMP_HEADER}` };
  if (!signature?.startsWith('sha256='))
    return { ok: false, reason: `missing or malformed ${SIGNATURE_HEADER}` };
  const expected = Buffer.from(signPayload(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, reason: 'signature does not match' };
  }
  const age = Math.abs((options.now ?? Date.now()) / 1000 - Number(timestamp));
  if (age > (options.toleranceSeconds ?? 300))
    return { ok: false, reason: `timestamp is ${Math.round(age)} s old` };
  return { ok: true };
}
