// Reachability over the editor's edges: the cycle test of `connect` and the ancestors that
// template hints offer. Adjacency is built once per edges array (the store replaces the array
// on every change, so an array seen before has not changed).
import type { DependencyEdge } from './types';

interface Adjacency {
  out: Map<string, string[]>;
  in: Map<string, string[]>;
}

const cache = new WeakMap<readonly DependencyEdge[], Adjacency>();

function adjacency(edges: readonly DependencyEdge[]): Adjacency {
  let adj = cache.get(edges);
  if (adj !== undefined) return adj;
  adj = { out: new Map(), in: new Map() };
  for (const edge of edges) {
    push(adj.out, edge.source, edge.target);
    push(adj.in, edge.target, edge.source);
  }
  cache.set(edges, adj);
  return adj;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * A shortest path of edges from `from` to `to` (both included), or undefined when `to` cannot
 * be reached. Breadth-first, stopping as soon as `to` is found.
 */
export function findPath(edges: readonly DependencyEdge[], from: string, to: string): string[] | undefined {
  if (from === to) return [from];
  const { out } = adjacency(edges);
  const parent = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const u = queue[head] as string;
    for (const w of out.get(u) ?? []) {
      if (parent.has(w)) continue;
      parent.set(w, u);
      if (w === to) {
        const path = [w];
        for (let x = u; x !== from; x = parent.get(x) as string) path.push(x);
        path.push(from);
        return path.reverse();
      }
      queue.push(w);
    }
  }
  return undefined;
}

/** Every ancestor of `id` (a path of edges leads from it to `id`), nearest first. */
export function ancestorsOf(edges: readonly DependencyEdge[], id: string): string[] {
  const incoming = adjacency(edges).in;
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let head = 0; head < queue.length; head++) {
    for (const w of incoming.get(queue[head] as string) ?? []) {
      if (seen.has(w)) continue;
      seen.add(w);
      queue.push(w);
    }
  }
  return queue.slice(1);
}
