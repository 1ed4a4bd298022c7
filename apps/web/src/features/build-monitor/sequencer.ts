// Keeps a build's live events in step with the snapshot they follow (design.md "Events and
// live view"). Events are applied only when their seq is exactly the last one held + 1; events
// at or below it are old news and dropped; a jump means something was missed, and the
// snapshot is loaded again. While no snapshot is held (at the start, during a reload) batches
// are kept and replayed against the snapshot's seq once it arrives.
import type { BuildEvent } from './types';

export interface SequencerHandlers {
  /** consecutive events, in seq order, to apply to what the snapshot showed */
  apply(events: BuildEvent[]): void;
  /** events were missed: load the snapshot again and call `resume` with its seq */
  gap(expected: number, received: number): void;
}

/** Batches kept while waiting for a snapshot; beyond this a reload replays nothing it needs. */
const MAX_BUFFERED_BATCHES = 10_000;

export class EventSequencer {
  /** seq of the last event applied; null while waiting for a snapshot */
  private last: number | null = null;
  private buffer: BuildEvent[][] = [];

  constructor(private readonly handlers: SequencerHandlers) {}

  /** The seq the view is at, or null while a snapshot is awaited. */
  get position(): number | null {
    return this.last;
  }

  /** A batch from the live subscription. */
  offer(events: readonly BuildEvent[]): void {
    if (this.last === null) {
      if (this.buffer.length < MAX_BUFFERED_BATCHES) this.buffer.push([...events]);
      return;
    }
    this.take(events);
  }

  /** A snapshot is being loaded again: hold batches until `resume`. */
  suspend(): void {
    this.last = null;
  }

  /** The snapshot at `seq` is in place: replay what arrived meanwhile. */
  resume(seq: number): void {
    this.last = seq;
    const held = this.buffer;
    this.buffer = [];
    for (const batch of held) {
      if (this.last === null) {
        // a gap in the replay asked for another reload: keep the rest for it
        this.buffer.push(batch);
        continue;
      }
      this.take(batch);
    }
  }

  private take(events: readonly BuildEvent[]): void {
    const last = this.last as number;
    let start = 0;
    while (start < events.length && (events[start] as BuildEvent).seq <= last) start++;
    if (start === events.length) return;
    const first = (events[start] as BuildEvent).seq;
    if (first !== last + 1) {
      this.suspend();
      this.buffer.push(events.slice(start));
      this.handlers.gap(last + 1, first);
      return;
    }
    let end = start + 1;
    while (end < events.length && (events[end] as BuildEvent).seq === (events[end - 1] as BuildEvent).seq + 1)
      end++;
    const applied = events.slice(start, end);
    this.last = (applied[applied.length - 1] as BuildEvent).seq;
    this.handlers.apply(applied);
    if (end < events.length) this.take(events.slice(end));
  }
}
