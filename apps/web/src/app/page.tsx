import { GraphCheck } from '@/features/graph-check/graph-check';

export default function HomePage() {
  return (
    <main>
      <h1>Ordo</h1>
      <p className="lead">
        Provision graphs of infrastructure components in dependency order. Paste or pick a graph (Ernest
        mapping, gorch matrix or Ordo native JSON) to check it before it runs.
      </p>
      <GraphCheck />
    </main>
  );
}
