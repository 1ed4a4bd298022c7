import type { EnvironmentCommand } from '@ordo/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planEnvironmentWrites } from './environment-changes';

/** An ordered table as SQLite keeps it (rows in position order): DELETE, then INSERT … ON CONFLICT UPDATE. */
function applyToTable(
  rows: Array<[string, unknown]>,
  commands: EnvironmentCommand[],
): Array<[string, unknown]> {
  const writes = planEnvironmentWrites(commands);
  const deleted = new Set(writes.deletes);
  const table = rows.filter(([id]) => !deleted.has(id));
  for (const [id, record] of writes.upserts) {
    const row = table.find(([rowId]) => rowId === id);
    if (row) row[1] = record;
    else table.push([id, record]);
  }
  return table;
}

describe('planEnvironmentWrites', () => {
  it('leaves the table in the order and with the values a JavaScript object reaches', () => {
    const ids = ['a', 'b', 'c', 'd', '1'];
    const commandArb = fc.record({
      op: fc.constantFrom<'put' | 'remove'>('put', 'put', 'remove'),
      id: fc.constantFrom(...ids),
      v: fc.nat(99),
    });
    fc.assert(
      fc.property(
        fc.subarray(ids),
        fc.array(fc.array(commandArb, { maxLength: 8 }), { maxLength: 4 }),
        (initial, runs) => {
          const object: Record<string, unknown> = {};
          let table: Array<[string, unknown]> = [];
          for (const id of initial) {
            object[id] = { v: -1 };
            table.push([id, { v: -1 }]);
          }
          for (const run of runs) {
            const commands: EnvironmentCommand[] = run.map((c) =>
              c.op === 'put'
                ? { kind: 'environment', op: 'put', id: c.id, record: { v: c.v } }
                : { kind: 'environment', op: 'remove', id: c.id },
            );
            for (const c of commands) {
              if (c.op === 'put') object[c.id] = c.record;
              else delete object[c.id];
            }
            table = applyToTable(table, commands);
            // JavaScript lists integer-like keys first whatever their order; the store rebuilds the
            // object from the rows in order, so compare what that rebuild gives
            const rebuilt: Record<string, unknown> = {};
            for (const [id, record] of table) rebuilt[id] = record;
            expect(Object.entries(rebuilt)).toEqual(Object.entries(object));
            expect(table.map(([id]) => id).filter((id) => id !== '1')).toEqual(
              Object.keys(object).filter((id) => id !== '1'),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('deletes what was removed, then upserts what is present in the order it was (last) added', () => {
    const writes = planEnvironmentWrites([
      { kind: 'environment', op: 'put', id: 'new', record: { n: 1 } },
      { kind: 'environment', op: 'put', id: 'a', record: { a: 2 } },
      { kind: 'environment', op: 'remove', id: 'b' },
      { kind: 'environment', op: 'put', id: 'b', record: { b: 3 } },
      { kind: 'environment', op: 'put', id: 'new', record: { n: 4 } },
      { kind: 'environment', op: 'remove', id: 'c' },
    ]);
    expect(writes).toEqual({
      deletes: ['b', 'c'],
      upserts: [
        ['new', { n: 4 }],
        ['a', { a: 2 }],
        ['b', { b: 3 }],
      ],
    });
    const table = applyToTable(
      [
        ['b', {}],
        ['a', {}],
        ['c', {}],
      ],
      [
        { kind: 'environment', op: 'put', id: 'new', record: { n: 1 } },
        { kind: 'environment', op: 'put', id: 'a', record: { a: 2 } },
        { kind: 'environment', op: 'remove', id: 'b' },
        { kind: 'environment', op: 'put', id: 'b', record: { b: 3 } },
      ],
    );
    expect(table).toEqual([
      ['a', { a: 2 }],
      ['c', {}],
      ['new', { n: 1 }],
      ['b', { b: 3 }],
    ]);
  });
});
