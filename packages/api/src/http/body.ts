// Request bodies read with a byte limit (`ORDO_MAX_BODY_BYTES`): the declared Content-Length is
// checked first, and the bytes are counted while reading, so a chunked body (no length) or a
// body longer than it claims cannot get past the limit.
import { InvalidJsonError, PayloadTooLargeError } from '../errors';

/** The body's bytes; `PayloadTooLargeError` as soon as it is over `maxBytes`. */
export async function readBodyBytes(request: Request, maxBytes: number): Promise<Uint8Array> {
  const declared = request.headers.get('content-length');
  if (declared !== null && /^\d+$/.test(declared.trim())) {
    const length = Number(declared.trim());
    if (length > maxBytes) {
      await request.body?.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes, length);
    }
  }
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** A JSON body: `undefined` when empty, `InvalidJsonError` naming the parse error otherwise. */
export async function readJsonBody(
  request: Request,
  maxBytes: number,
): Promise<{ value: unknown; bytes: number }> {
  const bytes = await readBodyBytes(request, maxBytes);
  if (bytes.byteLength === 0) return { value: undefined, bytes: 0 };
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch (err) {
    throw new InvalidJsonError('the body is not valid UTF-8 text', err);
  }
  if (text.trim() === '') return { value: undefined, bytes: bytes.byteLength };
  try {
    return { value: JSON.parse(text), bytes: bytes.byteLength };
  } catch (err) {
    throw new InvalidJsonError(`the body is not valid JSON: ${(err as Error).message}`, err);
  }
}
