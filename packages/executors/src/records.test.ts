// The record of answered keys: durable across reopen, tolerant of a line cut short by a crash,
// trimmed of expired records, and readable by a second process sharing the file.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AnswerRecord, RecordStore } from './records';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ordo-records-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const answer = (key: string, at = Date.now()): AnswerRecord => ({
  key,
  kind: 'done',
  at,
  payload: { _component_id: 'vpc::a', _component: 'vpc', _action: 'create', _provider: 'sim', service: 'b1' },
});

/** Counts the store's datasyncs, each made `delayMs` slower (the store's file handle, wrapped). */
function countDatasyncs(store: RecordStore, delayMs = 0): { count: number } {
  const handle = (store as unknown as { handle: { datasync: () => Promise<void> } }).handle;
  const datasync = handle.datasync.bind(handle);
  const counter = { count: 0 };
  handle.datasync = async () => {
    counter.count += 1;
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return datasync();
  };
  return counter;
}

describe('RecordStore', () => {
  it('group-commits concurrent answers: each resolves once on disk, and few writes carry them all', async () => {
    const file = join(dir, 'executors', 'g.jsonl');
    const store = await RecordStore.open(file);
    const writes: number[] = [];
    const appendLines = (store as unknown as { flush: () => Promise<void> }).flush.bind(store);
    (store as unknown as { flush: () => Promise<void> }).flush = () => {
      writes.push(1);
      return appendLines();
    };
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(answer(`b1/c${i}/1`))));
    await store.close();
    expect(writes.length).toBeLessThanOrEqual(2); // the first write, then one for the other 49
    const again = await RecordStore.open(file);
    for (let i = 0; i < 50; i++) expect(again.get(`b1/c${i}/1`)?.kind).toBe('done');
    await again.close();
  });

  it('answers written together wait for one datasync, not one each', async () => {
    const file = join(dir, 'one-sync.jsonl');
    const store = await RecordStore.open(file);
    const syncs = countDatasyncs(store);
    // 50 answers in one turn: one write, then ONE datasync begun after it serves them all
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.append(answer(`b1/c${i}/1`))));
    expect(syncs.count).toBe(1);
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(50);
    await store.close();
  });

  it('writes an answer without waiting for an earlier fsync, and resolves only after its own', async () => {
    const file = join(dir, 'p.jsonl');
    const store = await RecordStore.open(file);
    // slow fsyncs: the write of a later answer must not queue behind them
    const syncs = countDatasyncs(store, 150);
    let firstDone = false;
    const first = store.append(answer('first')).then(() => {
      firstDone = true;
    });
    await new Promise((r) => setTimeout(r, 30)); // first is written, its fsync running
    let secondDone = false;
    const second = store.append(answer('second')).then(() => {
      secondDone = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(await readFile(file, 'utf8')).toContain('"key":"second"'); // in the file already
    expect(firstDone || secondDone).toBe(false);
    await first;
    expect(secondDone).toBe(false); // the first fsync began before its write: it waits for the next
    await second;
    expect(syncs.count).toBe(2);
    await store.close();
  });

  it('keeps answers across a reopen and skips a line a crash cut short', async () => {
    const file = join(dir, 'executors', 'x.jsonl');
    const store = await RecordStore.open(file);
    await store.append(answer('b1/vpc::a/1'));
    await store.append({ ...answer('b1/vpc::a/2'), kind: 'error' });
    await store.close();
    await appendFile(file, '{"key":"b1/vpc::a/3","kind":"do');

    const again = await RecordStore.open(file);
    expect(again.get('b1/vpc::a/1')?.kind).toBe('done');
    expect(again.get('b1/vpc::a/2')?.kind).toBe('error');
    expect(again.get('b1/vpc::a/3')).toBeUndefined();
    expect((await readFile(file, 'utf8')).trim().split('\n')).toHaveLength(2); // rewritten without it
    await again.close();
  });

  it('drops records older than the retention', async () => {
    const file = join(dir, 'y.jsonl');
    const store = await RecordStore.open(file);
    await store.append(answer('old', Date.now() - 10_000));
    await store.append(answer('new'));
    await store.close();
    const again = await RecordStore.open(file, { retentionMs: 5_000 });
    expect(again.get('old')).toBeUndefined();
    expect(again.get('new')).toBeDefined();
    await again.close();
  });

  it('writes the same line whether it encodes the payload or is handed its JSON', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.jsonl');
    const base = answer('b1/vpc::a/1');
    // fields in the order the SDK makes them: key, at, kind, payload
    const record: AnswerRecord = {
      key: base.key,
      at: base.at,
      kind: 'error',
      payload: { ...base.payload, error: 'quota "exceeded"\n', n: -0, list: [1, { x: null }] },
    };
    const plain = await RecordStore.open(a);
    await plain.append(record);
    await plain.close();
    const given = await RecordStore.open(b);
    await given.append(record, JSON.stringify(record.payload));
    await given.close();
    expect(await readFile(b, 'utf8')).toBe(await readFile(a, 'utf8'));
    const again = await RecordStore.open(b);
    expect(again.get(record.key)).toEqual(JSON.parse(JSON.stringify(record)));
    await again.close();
  });

  it('reads what another process appended when asked to refresh', async () => {
    const file = join(dir, 'z.jsonl');
    const mine = await RecordStore.open(file);
    const theirs = await RecordStore.open(file);
    await theirs.append(answer('theirs'));
    expect(mine.get('theirs')).toBeUndefined();
    await mine.refresh();
    expect(mine.get('theirs')?.kind).toBe('done');
    await mine.close();
    await theirs.close();
  });
});
