// sqlDate writes a time exactly as Prisma writes a DateTime on SQLite, whatever the order of
// the times it is given (its caches of recent seconds must never leak into another time).
import { describe, expect, it } from 'vitest';
import { sqlDate } from './bulk';

const prisma = (ms: number) => new Date(ms).toISOString().replace(/Z$/, '+00:00');

describe('sqlDate', () => {
  it('formats every time as Date.toISOString() with +00:00, across seconds and in any order', () => {
    const base = 1_796_586_194_000;
    const times: number[] = [];
    // times of a batch: now, deadlines a few seconds on, events in between, over many seconds
    for (let i = 0; i < 20_000; i++) times.push(base + ((i * 7919) % 60_000), base + 30_000 + (i % 1_000));
    times.push(0, 1, 999, 1_000, 253_402_300_799_999, 253_402_300_800_000, -1, 1.5, base, base);
    for (const ms of times) expect(sqlDate(ms)).toBe(prisma(ms));
    expect(sqlDate(null)).toBeNull();
    expect(sqlDate(undefined)).toBeNull();
  });
});
