// The runner's timers — attempt deadlines, retry backoffs, cancel grace periods — on ONE Node
// timer for the earliest of them, over a binary heap, instead of a Node timer each.
//
// Every dispatch arms its attempt's deadline and nearly every result disarms it again: with a
// Node timer each, a wide build kept thousands of `Timeout` objects, each deadline a list of its
// own in Node's timer queue (their delays differ by a millisecond or two), all created and
// cancelled again within a few milliseconds. Here arming is a heap push, disarming drops the key
// (the heap entry is skipped when it comes up, and the heap is rebuilt once most of it is
// disarmed), and one `setTimeout` follows the earliest live entry.

/** Longest delay Node's `setTimeout` takes (a longer one fires at once); later timers re-arm. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Entry<T> {
  readonly key: string;
  readonly group: string;
  readonly at: number;
  /** arming order: entries due at the same time fire in the order they were armed */
  readonly order: number;
  readonly value: T;
  live: boolean;
}

export class TimerQueue<T> {
  readonly #now: () => number;
  readonly #fire: (value: T) => void;
  readonly #entries = new Map<string, Entry<T>>();
  /** live entries per group (a build): whether a build still has timers */
  readonly #groups = new Map<string, number>();
  #heap: Entry<T>[] = [];
  /** heap entries disarmed but not yet removed */
  #stale = 0;
  #order = 0;
  #timer: NodeJS.Timeout | undefined;
  /** when the Node timer fires (Infinity: not armed) */
  #timerAt = Number.POSITIVE_INFINITY;

  /** `now`: the clock times are read against; `fire`: called with an armed value once it is due. */
  constructor(now: () => number, fire: (value: T) => void) {
    this.#now = now;
    this.#fire = fire;
  }

  /** Timers armed. */
  get size(): number {
    return this.#entries.size;
  }

  /** Arms `key` (of `group`) for `at` (epoch ms); false, and nothing changes, if it is armed already. */
  add(key: string, group: string, at: number, value: T): boolean {
    if (this.#entries.has(key)) return false;
    // (a time that is not a number would break the heap's order: due at once, as setTimeout(NaN) was)
    if (Number.isNaN(at)) at = this.#now();
    const entry: Entry<T> = { key, group, at, order: this.#order++, value, live: true };
    this.#entries.set(key, entry);
    this.#groups.set(group, (this.#groups.get(group) ?? 0) + 1);
    this.#push(entry);
    if (at < this.#timerAt) this.#arm(at);
    return true;
  }

  /** Disarms `key`; nothing if it is not armed. */
  delete(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#drop(entry);
    this.#stale += 1;
    // most of the heap disarmed (a wide wave of deadlines answered): rebuild it from the live ones
    if (this.#stale > 1024 && this.#stale > this.#entries.size) this.#rebuild();
  }

  /** Whether any timer of `group` is armed. */
  hasGroup(group: string): boolean {
    return this.#groups.has(group);
  }

  /** Disarms everything. */
  clear(): void {
    for (const entry of this.#entries.values()) entry.live = false;
    this.#entries.clear();
    this.#groups.clear();
    this.#heap = [];
    this.#stale = 0;
    this.#disarmTimer();
  }

  #drop(entry: Entry<T>): void {
    entry.live = false;
    this.#entries.delete(entry.key);
    const left = (this.#groups.get(entry.group) ?? 1) - 1;
    if (left > 0) this.#groups.set(entry.group, left);
    else this.#groups.delete(entry.group);
  }

  #arm(at: number): void {
    this.#disarmTimer();
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    const wait = Math.max(0, at - this.#now());
    // past setTimeout's limit: wake at the limit, find nothing due, and arm again
    const capped = wait > MAX_DELAY_MS;
    this.#timer = setTimeout(
      () => this.#due(capped ? Number.NEGATIVE_INFINITY : at),
      capped ? MAX_DELAY_MS : wait,
    );
    // the runner's consumers keep the process up; a pending deadline alone must not
    this.#timer.unref?.();
  }

  #disarmTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  /**
   * The Node timer set for `firedFor` fired: everything due by then (or by the clock) fires, in
   * time order (`firedFor` -Infinity: a capped wait ended, only the clock counts).
   */
  #due(firedFor: number): void {
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
    const now = Math.max(this.#now(), firedFor);
    try {
      for (;;) {
        const top = this.#heap[0];
        if (top === undefined || (top.live && top.at > now)) break;
        this.#pop();
        if (!top.live) {
          this.#stale -= 1;
          continue;
        }
        this.#drop(top);
        this.#fire(top.value);
      }
    } finally {
      this.#skipStale();
      const next = this.#heap[0];
      if (next !== undefined) this.#arm(next.at);
    }
  }

  #skipStale(): void {
    for (let top = this.#heap[0]; top !== undefined && !top.live; top = this.#heap[0]) {
      this.#pop();
      this.#stale -= 1;
    }
  }

  #rebuild(): void {
    this.#heap = this.#heap.filter((entry) => entry.live);
    this.#stale = 0;
    for (let i = (this.#heap.length >> 1) - 1; i >= 0; i--) this.#down(i);
  }

  #push(entry: Entry<T>): void {
    const heap = this.#heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(entry, heap[parent] as Entry<T>)) break;
      heap[i] = heap[parent] as Entry<T>;
      i = parent;
    }
    heap[i] = entry;
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return;
    heap[0] = last;
    this.#down(0);
  }

  #down(start: number): void {
    const heap = this.#heap;
    const entry = heap[start] as Entry<T>;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child =
        right < heap.length && before(heap[right] as Entry<T>, heap[left] as Entry<T>) ? right : left;
      if (!before(heap[child] as Entry<T>, entry)) break;
      heap[i] = heap[child] as Entry<T>;
      i = child;
    }
    heap[i] = entry;
  }
}

function before<T>(a: Entry<T>, b: Entry<T>): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}
