// One HTTP delivery attempt: POST the body with its signature headers, through the SSRF guard
// at connect time. Redirects are not followed (a 3xx is a failed attempt): following one
// would let a receiver send Ordo anywhere.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { type Allowlist, guardedLookup, refusal, urlHost } from './guard';
import { signatureHeaders } from './signature';

export interface HttpAttempt {
  ok: boolean;
  /** HTTP status, null when no answer came */
  status: number | null;
  latencyMs: number;
  /** why it failed; null when ok */
  error: string | null;
  /**
   * true when the attempt was refused before connecting (the SSRF guard, or not an http(s)
   * URL): trying again cannot succeed until the configuration changes
   */
  refused: boolean;
}

const REFUSED_CODE = 'ECALLBACKREFUSED';

export interface PostOptions {
  allowlist: Allowlist;
  /** whole attempt, connect to last byte (default 10 s) */
  timeoutMs?: number;
  now?: () => number;
}

/** POSTs `body` to `url`, signed with `secret`; never throws. 2xx is a success. */
export function postCallback(
  url: string,
  body: string,
  secret: string,
  options: PostOptions,
): Promise<HttpAttempt> {
  const started = performance.now();
  const latency = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    const done = (attempt: Omit<HttpAttempt, 'latencyMs' | 'refused'> & { refused?: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...attempt, refused: attempt.refused ?? false, latencyMs: latency() });
    };
    let timer: NodeJS.Timeout | undefined;
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      done({ ok: false, status: null, error: `"${url}" is not a URL`, refused: true });
      return;
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      done({ ok: false, status: null, error: `not an http or https URL: ${target.protocol}`, refused: true });
      return;
    }
    // An IP literal is dialled without a lookup, so `guardedLookup` never sees it: check it here.
    const host = urlHost(target);
    if (isIP(host) !== 0) {
      const why = refusal(options.allowlist, host, host);
      if (why !== undefined) {
        done({ ok: false, status: null, error: why, refused: true });
        return;
      }
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const timeoutMs = options.timeoutMs ?? 10_000;
    const req = send(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(options.allowlist) as never,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Ordo-Callbacks/1',
          ...signatureHeaders(secret, body, (options.now ?? Date.now)()),
        },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        res.on('end', () => {
          const ok = status >= 200 && status < 300;
          done({
            ok,
            status,
            error: ok ? null : `HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}`,
          });
        });
        res.on('error', (err) => done({ ok: false, status, error: err.message }));
      },
    );
    timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) =>
      done({ ok: false, status: null, error: err.message, refused: err.code === REFUSED_CODE }),
    );
    req.end(body);
  });
}
