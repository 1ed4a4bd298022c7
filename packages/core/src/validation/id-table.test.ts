import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashId, IdTable } from './id-table';

/** What the table must answer: a Map from each id to its first index. */
function reference(ids: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  ids.forEach((id, i) => {
    if (!map.has(id)) map.set(id, i);
  });
  return map;
}

/** Indexes of the ids seen earlier in the list, ascending. */
function laterOccurrences(ids: readonly string[]): number[] {
  return ids.flatMap((id, i) => (ids.indexOf(id) < i ? [i] : []));
}

describe('IdTable', () => {
  it('answers the first index of each id, and -1 for unknown ids', () => {
    const table = new IdTable(['a', 'b', 'a', '', 'vpc::prod', 'b']);
    expect(['a', 'b', '', 'vpc::prod', 'c', 'A', 'vpc::prod '].map((id) => table.indexOf(id))).toEqual([
      0, 1, 3, 4, -1, -1, -1,
    ]);
    expect(table.has('a')).toBe(true);
    expect(table.has('z')).toBe(false);
    expect(new IdTable([]).indexOf('a')).toBe(-1);
  });

  it('agrees with a Map for random ids, duplicates and lookups', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 })),
        fc.array(fc.string({ maxLength: 6 })),
        (ids, probes) => {
          const table = new IdTable(ids);
          const map = reference(ids);
          for (const id of [...ids, ...probes]) expect(table.indexOf(id)).toBe(map.get(id) ?? -1);
          expect(table.duplicates).toEqual(laterOccurrences(ids));
        },
      ),
    );
  });

  it('hands over to a Map when ids are crafted to collide, and still answers right', () => {
    // 300 ids that all start probing at the same slot of the 1024-slot table
    const colliding: string[] = [];
    const slot = hashId('seed') & 1023;
    for (let i = 0; colliding.length < 300; i++) {
      if ((hashId(`x${i}`) & 1023) === slot) colliding.push(`x${i}`);
    }
    const table = new IdTable([...colliding, colliding[3] as string, 'x0', colliding[3] as string]);
    expect(table.usesMap).toBe(true);
    const map = reference(colliding);
    for (const id of [...colliding, 'seed', 'nope']) expect(table.indexOf(id)).toBe(map.get(id) ?? -1);
    expect(table.duplicates).toEqual(
      laterOccurrences([...colliding, colliding[3] as string, 'x0', colliding[3] as string]),
    );
  });

  it('does not hand over for ordinary ids', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => `instance::web-${i}`);
    const table = new IdTable(ids);
    for (let i = 0; i < ids.length; i += 997) expect(table.indexOf(`instance::web-${i}`)).toBe(i);
    expect(table.indexOf('instance::web-50000')).toBe(-1);
    expect(table.usesMap).toBe(false);
  });
});
