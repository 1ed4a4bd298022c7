// The runner's timer queue: due values fire once each, in time order; a disarmed one never; a
// build's timers are known; rebuilding the heap after mass disarming keeps the live ones.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TimerQueue } from './timers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function queue() {
  const fired: string[] = [];
  const timers = new TimerQueue<string>(Date.now, (value) => fired.push(value));
  return { timers, fired };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('TimerQueue', () => {
  it('fires each armed value once, when due, in time order (equal times in arming order)', async () => {
    const { timers, fired } = queue();
    const now = Date.now();
    timers.add('c', 'b1', now + 60, 'c');
    timers.add('a', 'b1', now + 20, 'a');
    timers.add('b1', 'b2', now + 40, 'b1');
    timers.add('b2', 'b2', now + 40, 'b2');
    timers.add('past', 'b3', now - 1_000, 'past');
    await sleep(5);
    expect(fired).toEqual(['past']);
    await sleep(100);
    expect(fired).toEqual(['past', 'a', 'b1', 'b2', 'c']);
    expect(timers.size).toBe(0);
    await sleep(30);
    expect(fired).toHaveLength(5);
  });

  it('never fires a disarmed key; an armed key is not armed twice', async () => {
    const { timers, fired } = queue();
    const now = Date.now();
    expect(timers.add('x', 'b1', now + 20, 'x')).toBe(true);
    expect(timers.add('x', 'b1', now + 1, 'x again')).toBe(false);
    timers.add('y', 'b1', now + 10, 'y');
    timers.delete('y'); // the earliest: the queue's timer must move on to the next
    timers.delete('nothing');
    await sleep(60);
    expect(fired).toEqual(['x']);
  });

  it('knows whether a build still has timers', () => {
    const { timers } = queue();
    const at = Date.now() + 60_000;
    timers.add('b1/t/a', 'b1', at, 'a');
    timers.add('b1/t/b', 'b1', at, 'b');
    timers.add('b2/t/a', 'b2', at, 'c');
    timers.delete('b1/t/a');
    expect(timers.hasGroup('b1')).toBe(true);
    timers.delete('b1/t/b');
    expect(timers.hasGroup('b1')).toBe(false);
    expect(timers.hasGroup('b2')).toBe(true);
    timers.clear();
    expect(timers.hasGroup('b2')).toBe(false);
    expect(timers.size).toBe(0);
  });

  it('keeps the live timers when most are disarmed (the heap is rebuilt)', async () => {
    const { timers, fired } = queue();
    const now = Date.now();
    // a wide wave of deadlines, nearly all answered in time
    for (let i = 0; i < 5_000; i++) timers.add(`k${i}`, 'b1', now + 30 + (i % 7), `v${i}`);
    for (let i = 0; i < 5_000; i++) if (i % 1_000 !== 0) timers.delete(`k${i}`);
    expect(timers.size).toBe(5);
    await sleep(100);
    expect([...fired].sort()).toEqual(['v0', 'v1000', 'v2000', 'v3000', 'v4000']);
  });

  it('fires nothing once cleared', async () => {
    const { timers, fired } = queue();
    timers.add('a', 'b1', Date.now() + 10, 'a');
    timers.clear();
    await sleep(40);
    expect(fired).toEqual([]);
  });

  it('fires a timer further away than setTimeout can wait when it is due, not at the limit', () => {
    vi.useFakeTimers({ now: 1_800_000_000_000 });
    const fired: string[] = [];
    const timers = new TimerQueue<string>(
      () => Date.now(),
      (value) => fired.push(value),
    );
    const day = 24 * 60 * 60 * 1000;
    timers.add('far', 'b1', Date.now() + 30 * day, 'far'); // setTimeout's limit is ≈ 24.9 days
    vi.advanceTimersByTime(25 * day);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(5 * day);
    expect(fired).toEqual(['far']);
  });
});
