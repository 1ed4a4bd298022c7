// Graphs for the runner's tests.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** The shared Ernest example (shop-web-2 fails once: `_sim.fail_times` 1). */
export function ernestExample(): unknown {
  return JSON.parse(readFileSync(resolve(import.meta.dirname, 'ernest-mapping.example.json'), 'utf8'));
}

/** A layered DAG of `size` components on provider `provider`, each depending on up to 3 earlier ones. */
export function layeredGraph(size: number, provider: string, seed = 7): unknown {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const changes = [];
  const edges = [];
  for (let i = 0; i < size; i++) {
    const id = `task::t${i}`;
    changes.push({ _component_id: id, _component: 'task', _action: 'create', _provider: provider, n: i });
    if (i === 0) continue;
    const sources = new Set<number>();
    for (let k = 0; k < 3; k++) sources.add(Math.max(0, i - 1 - Math.floor(random() * Math.min(i, 20))));
    for (const s of sources) edges.push({ source: `task::t${s}`, destination: id });
  }
  return { id: `layered-${size}`, edges, components: [], changes };
}
