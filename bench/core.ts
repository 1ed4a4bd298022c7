// Times Ordo's core on large graphs: parse + validate + a full scheduler run to completion
// with instant results, at 10k and 100k components (≈3 edges each), and prints both times
// and their ratio (one run, so a noisy shared machine affects both sizes alike).
// Run: pnpm bench:core
import { createBuild, parseGraph, simulateBuild, validateGraph } from '@ordo/core';

interface Timing {
  size: number;
  edges: number;
  parseMs: number;
  validateMs: number;
  runMs: number;
  totalMs: number;
}

/** A layered random DAG in Ernest-mapping form: each component depends on up to 3 earlier ones. */
function ernestMapping(size: number, seed: number): unknown {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const changes = [];
  const edges = [];
  for (let i = 0; i < size; i++) {
    const id = `instance::n${i}`;
    changes.push({
      _component_id: id,
      _component: 'instance',
      _action: 'create',
      _provider: 'sim',
      name: `n${i}`,
      cpu: 2,
    });
    if (i === 0) continue;
    const window = Math.min(i, 200);
    const sources = new Set<number>();
    for (let k = 0; k < 3; k++) sources.add(i - 1 - Math.floor(random() * window));
    for (const s of sources) edges.push({ source: `instance::n${s}`, destination: id, length: 1 });
  }
  return { id: `bench-${size}`, action: 'service.create', edges, components: [], changes };
}

function measure(size: number): Timing {
  // As an upload arrives: a JSON body parsed by the HTTP layer. (Strings the generator builds with
  // template literals are V8 cons-strings, slower as map keys than JSON.parse's flat strings.)
  const input: unknown = JSON.parse(JSON.stringify(ernestMapping(size, 42)));
  const t0 = performance.now();
  const parsed = parseGraph(input);
  if (!parsed.ok) throw new Error(`parse failed: ${parsed.issues[0]?.message}`);
  const t1 = performance.now();
  const issues = validateGraph(parsed.graph, { simulate: true });
  if (issues.length > 0) throw new Error(`validation failed: ${issues[0]?.message}`);
  const t2 = performance.now();
  const build = createBuild({ id: `b${size}`, graph: parsed.graph, environment: 'bench', createdAt: 0 });
  const run = simulateBuild(build, { duration: () => 0 });
  if (run.state.status !== 'completed') throw new Error(`build ended ${run.state.status}`);
  if (run.dispatchOrder.length !== size) throw new Error(`dispatched ${run.dispatchOrder.length} of ${size}`);
  const t3 = performance.now();
  return {
    size,
    edges: parsed.graph.edges.length,
    parseMs: t1 - t0,
    validateMs: t2 - t1,
    runMs: t3 - t2,
    totalMs: t3 - t0,
  };
}

measure(2_000); // warm up the JIT so the first measured size is not penalised
const small = measure(10_000);
const large = measure(100_000);
const fmt = (t: Timing) =>
  `${String(t.size).padStart(7)} components ${String(t.edges).padStart(7)} edges: ` +
  `parse ${t.parseMs.toFixed(0)} ms, validate ${t.validateMs.toFixed(0)} ms, run ${t.runMs.toFixed(0)} ms, ` +
  `total ${t.totalMs.toFixed(0)} ms`;
console.log(fmt(small));
console.log(fmt(large));
const ratio = large.totalMs / small.totalMs;
console.log(`ratio 100k/10k: ${ratio.toFixed(1)} (linear = 10; target < 12)`);
console.log(
  `100k under 1 s: ${large.totalMs < 1000 ? 'yes' : 'NO'}; ratio under 12: ${ratio < 12 ? 'yes' : 'NO'}`,
);
