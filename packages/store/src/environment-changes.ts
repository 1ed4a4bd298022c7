// Turns a run of environment `put`/`remove` commands into two statements on an ordered table
// (rows ordered by an autoincrement `position`) that leave it as a JavaScript object would be
// after the same puts and deletes: a put of a present key replaces its value in place, a put of
// an absent key appends it, a remove deletes it (a later put appends it again).
//
// No need to know which ids have a row: DELETE every id the commands removed, then UPSERT the
// ids present at the end, in the order they were (last) added — an id that has a row and was not
// removed is updated in place, every other one is appended in that order.
import type { EnvironmentCommand, ErnestRecord } from '@ordo/core';

export interface EnvironmentWrites {
  /** ids to delete first (removed by some command) */
  deletes: string[];
  /** then insert-or-update, in this order: [id, final record] */
  upserts: Array<[id: string, record: ErnestRecord]>;
}

interface Entry {
  removed: boolean;
  present: boolean;
  record: ErnestRecord;
  /** when it was (last) added by these commands */
  order: number;
}

export function planEnvironmentWrites(commands: readonly EnvironmentCommand[]): EnvironmentWrites {
  const entries = new Map<string, Entry>();
  let order = 0;
  for (const command of commands) {
    const entry = entries.get(command.id);
    if (command.op === 'put') {
      const record = command.record ?? {};
      if (!entry) entries.set(command.id, { removed: false, present: true, record, order: order++ });
      else if (entry.present) entry.record = record;
      else entries.set(command.id, { removed: true, present: true, record, order: order++ });
    } else {
      entries.set(command.id, { removed: true, present: false, record: {}, order: -1 });
    }
  }
  const deletes: string[] = [];
  const present: Array<[string, Entry]> = [];
  for (const [id, entry] of entries) {
    if (entry.removed) deletes.push(id);
    if (entry.present) present.push([id, entry]);
  }
  present.sort((a, b) => a[1].order - b[1].order);
  return { deletes, upserts: present.map(([id, entry]) => [id, entry.record]) };
}
