// The executor's record of answered dispatch keys (design.md "Idempotency"): a redelivered
// dispatch whose key is recorded is answered again from here instead of doing the work twice.
//
// One append-only JSONL file per executor, `<dataDir>/executors/<name>.jsonl`, one line per
// answer, fsync'ed before the answer is published. On open, lines older than the retention
// (default 7 days, the dispatch stream's max age: nothing older can be redelivered) and lines a
// crash cut short are dropped, and the file is rewritten through an atomic rename.
import { open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ResultKind } from '@ordo/bus';
import { type ResultMessage, resultMessageSchema } from '@ordo/contracts';
import { z } from 'zod';
import { ensureDir, syncDir, writeFileAtomic } from './atomic-file';

/** What an executor answered for one dispatch key. */
export interface AnswerRecord {
  /** `<build>/<component>/<attempt>` */
  key: string;
  kind: ResultKind;
  payload: ResultMessage;
  /** epoch ms of the answer */
  at: number;
}

const recordSchema = z.object({
  key: z.string().min(1),
  kind: z.enum(['done', 'error']),
  payload: resultMessageSchema,
  at: z.number(),
});

/** Default retention of records: 7 days, the max age of ORDO_DISPATCH. */
export const DEFAULT_RECORD_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

export interface RecordStoreOptions {
  retentionMs?: number | undefined;
  now?: () => number;
}

type FileHandle = Awaited<ReturnType<typeof open>>;

export class RecordStore {
  private readonly records = new Map<string, AnswerRecord>();
  /** the last write of lines (settled: never rejects) */
  private writing: Promise<void> = Promise.resolve();
  /** lines waiting for the next write, and when they will be on disk (written and synced) */
  private pendingLines: string[] = [];
  private nextDurable: Promise<void> | undefined;
  /** the datasync in progress, and the one queued to begin after it */
  private syncing: Promise<void> | undefined;
  private nextSync: Promise<void> | undefined;
  /** appends not yet on disk (close waits for them) */
  private readonly unsettled = new Set<Promise<void>>();
  private appendsSincePrune = 0;
  /** bytes of the file already read (by open or refresh) */
  private readOffset = 0;

  private constructor(
    readonly file: string,
    private handle: FileHandle | undefined,
    private readonly retentionMs: number,
    private readonly now: () => number,
  ) {}

  /** Loads the file (creating it and its directory), drops expired and broken lines. */
  static async open(file: string, options: RecordStoreOptions = {}): Promise<RecordStore> {
    const retentionMs = options.retentionMs ?? DEFAULT_RECORD_RETENTION_MS;
    const now = options.now ?? Date.now;
    await ensureDir(dirname(file));
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    const store = new RecordStore(file, undefined, retentionMs, now);
    const { kept, dropped } = store.ingest(text);
    if (dropped > 0 || kept > store.records.size) {
      // drop what is expired, broken or superseded: rewrite the file atomically
      const lines = [...store.records.values()].map((r) => `${JSON.stringify(r)}\n`).join('');
      await writeFileAtomic(file, lines);
    }
    store.handle = await open(file, 'a', 0o600);
    store.readOffset = (await store.handle.stat()).size;
    await syncDir(dirname(file));
    return store;
  }

  /** Parses JSONL text into the map; returns how many lines were kept and dropped. */
  private ingest(text: string): { kept: number; dropped: number } {
    let kept = 0;
    let dropped = 0;
    const cutoff = this.now() - this.retentionMs;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      let parsed: AnswerRecord | undefined;
      try {
        const result = recordSchema.safeParse(JSON.parse(line));
        if (result.success) parsed = result.data;
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.at < cutoff) {
        dropped += 1;
        continue;
      }
      kept += 1;
      this.records.set(parsed.key, parsed);
    }
    return { kept, dropped };
  }

  get(key: string): AnswerRecord | undefined {
    return this.records.get(key);
  }

  get size(): number {
    return this.records.size;
  }

  /**
   * Reads lines appended since the last read — by another process sharing the data dir —
   * so that a dispatch it answered before dying is answered here from its record.
   */
  async refresh(): Promise<void> {
    await this.writing;
    const size = await stat(this.file)
      .then((s) => s.size)
      .catch(() => 0);
    if (size <= this.readOffset) return;
    const reader = await open(this.file, 'r');
    try {
      const length = size - this.readOffset;
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await reader.read(buffer, 0, length, this.readOffset);
      const text = buffer.subarray(0, bytesRead).toString('utf8');
      const complete = text.lastIndexOf('\n') + 1; // a line still being written is read next time
      this.ingest(text.slice(0, complete));
      this.readOffset += Buffer.byteLength(text.slice(0, complete), 'utf8');
    } finally {
      await reader.close();
    }
  }

  /**
   * Records an answer: in memory at once, on disk (appended and fsync'ed) when this resolves.
   * Group commit, in two stages: the lines recorded while a write is in progress go out
   * together in the next write — which does not wait for any fsync, so that an answer is in the
   * file (safe from a killed process, if not yet from a machine crash) as soon as possible after
   * its work; and each append then waits for a datasync begun after its write, one datasync
   * serving every write before it. Many concurrent tasks cost a few writes and fsyncs, not one
   * each. `payloadText`, when given, must be `JSON.stringify(record.payload)` (saves encoding it
   * again).
   */
  append(record: AnswerRecord, payloadText?: string): Promise<void> {
    this.records.set(record.key, record);
    this.prune();
    // `payloadText`: the payload's JSON, when the caller has it already; the line is the same
    this.pendingLines.push(
      payloadText === undefined
        ? `${JSON.stringify(record)}\n`
        : `{"key":${JSON.stringify(record.key)},"at":${JSON.stringify(record.at)},"kind":${JSON.stringify(record.kind)},"payload":${payloadText}}\n`,
    );
    // one promise per group of lines written together: their write, then ONE datasync begun
    // after it (a promise and a datasync per line would cost more than the line, and every line
    // but the first would wait for a second datasync)
    if (this.nextDurable === undefined) {
      const durable = this.writing.then(() => this.flush()).then(() => this.sync());
      this.nextDurable = durable;
      this.unsettled.add(durable);
      const settle = () => {
        this.unsettled.delete(durable);
      };
      durable.then(settle, settle);
    }
    return this.nextDurable;
  }

  /** Writes every pending line in one append. */
  private async flush(): Promise<void> {
    this.nextDurable = undefined;
    const lines = this.pendingLines.splice(0);
    const write = (async () => {
      const handle = this.handle;
      if (!handle) throw new Error(`record file ${this.file} is closed`);
      await handle.appendFile(lines.join(''), 'utf8');
    })();
    this.writing = write.catch(() => undefined);
    return write;
  }

  /** Resolves once a datasync begun after this call has finished. */
  private sync(): Promise<void> {
    if (this.syncing === undefined) return this.startSync();
    // the one in progress may have begun before the caller's write: wait for the next one
    this.nextSync ??= this.syncing.then(
      () => this.startSync(),
      () => this.startSync(),
    );
    return this.nextSync;
  }

  private startSync(): Promise<void> {
    this.nextSync = undefined;
    const handle = this.handle;
    if (!handle) return Promise.reject(new Error(`record file ${this.file} is closed`));
    const sync = handle.datasync();
    this.syncing = sync;
    const done = () => {
      if (this.syncing === sync) this.syncing = undefined;
    };
    sync.then(done, done);
    return sync;
  }

  /** Forgets expired records in memory now and then (the file is trimmed on the next open). */
  private prune(): void {
    this.appendsSincePrune += 1;
    if (this.appendsSincePrune < 1000) return;
    this.appendsSincePrune = 0;
    const cutoff = this.now() - this.retentionMs;
    for (const [key, record] of this.records) if (record.at < cutoff) this.records.delete(key);
  }

  /** Waits for pending appends and closes the file. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.unsettled]);
    await this.writing;
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close();
  }
}
