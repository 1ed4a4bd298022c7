import { GraphCheck } from '@/features/graph-check/graph-check';

export default function CheckPage() {
  return (
    <main>
      <h1>Check a graph</h1>
      <p className="lead">
        Paste or pick a graph (Ernest mapping, gorch matrix or Ordo native JSON) to check it before it runs.
      </p>
      <GraphCheck />
    </main>
  );
}
