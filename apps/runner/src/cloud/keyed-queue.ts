// One chain of work per key: work queued under a key runs after the work queued before it under
// the same key, never at the same time. The cloud service reads, decides and writes a resource
// under its key, so a poll answer, an action and its result never interleave on one resource.

export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `work` once everything queued under `key` before it has settled. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Resolves once the work queued so far has settled. */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.all([...this.tails.values()]);
  }
}
