/**
 * A binary max-heap of component indices stored in a plain array (so it serializes with the
 * build state). Order: higher `priority[i]` first; on a tie, the lower index (input order).
 */

/** True when component `a` goes before component `b`. */
function before(priority: readonly number[], a: number, b: number): boolean {
  const pa = priority[a] ?? 0;
  const pb = priority[b] ?? 0;
  return pa > pb || (pa === pb && a < b);
}

export function heapPush(heap: number[], priority: readonly number[], item: number): void {
  let i = heap.length;
  heap.push(item);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const p = heap[parent] as number;
    if (!before(priority, item, p)) break;
    heap[i] = p;
    i = parent;
  }
  heap[i] = item;
}

/** Removes and returns the first item, or -1 when empty. */
export function heapPop(heap: number[], priority: readonly number[]): number {
  const n = heap.length;
  if (n === 0) return -1;
  const top = heap[0] as number;
  const last = heap.pop() as number;
  if (n === 1) return top;
  const size = n - 1;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    if (left >= size) break;
    const right = left + 1;
    let child = left;
    let c = heap[left] as number;
    if (right < size) {
      const r = heap[right] as number;
      if (before(priority, r, c)) {
        child = right;
        c = r;
      }
    }
    if (!before(priority, c, last)) break;
    heap[i] = c;
    i = child;
  }
  heap[i] = last;
  return top;
}
