import { describe, expect, it } from 'vitest';
import { EventSequencer } from './sequencer';
import type { BuildEvent } from './types';

const ev = (seq: number): BuildEvent => ({ seq, at: seq, type: 'log', message: `e${seq}` });
const batch = (...seqs: number[]) => seqs.map(ev);

function harness() {
  const applied: number[] = [];
  const gaps: Array<[number, number]> = [];
  const s = new EventSequencer({
    apply: (events) => applied.push(...events.map((e) => e.seq)),
    gap: (expected, received) => gaps.push([expected, received]),
  });
  return { s, applied, gaps };
}

describe('EventSequencer', () => {
  it('holds batches until the snapshot, then applies only what follows its seq', () => {
    const { s, applied, gaps } = harness();
    s.offer(batch(3, 4));
    s.offer(batch(5, 6));
    s.resume(4);
    expect(applied).toEqual([5, 6]);
    s.offer(batch(7));
    expect(applied).toEqual([5, 6, 7]);
    expect(gaps).toEqual([]);
  });

  it('ignores events at or below the last seq', () => {
    const { s, applied } = harness();
    s.resume(10);
    s.offer(batch(9, 10));
    s.offer(batch(10, 11));
    expect(applied).toEqual([11]);
  });

  it('asks for a reload on a gap and replays what came meanwhile', () => {
    const { s, applied, gaps } = harness();
    s.resume(2);
    s.offer(batch(5, 6));
    expect(gaps).toEqual([[3, 5]]);
    expect(s.position).toBeNull();
    s.offer(batch(7));
    s.resume(6);
    expect(applied).toEqual([7]);
  });

  it('a gap inside a batch applies the consecutive prefix first', () => {
    const { s, applied, gaps } = harness();
    s.resume(0);
    s.offer(batch(1, 2, 4));
    expect(applied).toEqual([1, 2]);
    expect(gaps).toEqual([[3, 4]]);
  });

  it('a gap while replaying keeps the rest for the next reload', () => {
    const { s, applied, gaps } = harness();
    s.offer(batch(4));
    s.offer(batch(9));
    s.offer(batch(10));
    s.resume(3);
    expect(applied).toEqual([4]);
    expect(gaps).toEqual([[5, 9]]);
    s.resume(9);
    expect(applied).toEqual([4, 10]);
  });
});
