/**
 * Retry maths: a mulberry32 PRNG whose state lives in the build state, and the backoff delay.
 */

import type { ResolvedPolicy } from './types';

/** Advances a mulberry32 state; returns the next state and a float in [0, 1). */
export function nextRandom(rng: number): { rng: number; value: number } {
  const next = (rng + 0x6d2b79f5) >>> 0;
  let t = next;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { rng: next, value: ((t ^ (t >>> 14)) >>> 0) / 4294967296 };
}

/**
 * Delay before retry number `retry` (1 = the retry after the first failed attempt of the
 * current try budget), "equal jitter":
 *
 *   base  = min(maxBackoffMs, backoffMs × 2^(retry − 1))
 *   delay = round(base / 2 + r × base / 2),  r ∈ [0, 1) from the PRNG
 *
 * so the delay lies in [base / 2, base] and never exceeds `maxBackoffMs`.
 */
export function backoffDelay(
  policy: Pick<ResolvedPolicy, 'backoffMs' | 'maxBackoffMs'>,
  retry: number,
  r: number,
): number {
  const exponent = Math.max(0, Math.min(retry - 1, 52));
  const base = Math.max(0, Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** exponent));
  return Math.round(base / 2 + (r * base) / 2);
}
