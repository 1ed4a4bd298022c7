import { NewBuild } from '@/features/build-monitor/new-build';

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export default async function NewBuildPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const graph = first(params.graph)?.trim() || undefined;
  const version = Number(first(params.version));
  return (
    <main className="bm-page bm-narrow">
      <h1>New build</h1>
      <p className="lead">Choose a graph and where it runs, read the plan, then start it.</p>
      <NewBuild
        key={`${graph ?? ''}@${version}`}
        {...(graph ? { graph } : {})}
        {...(Number.isInteger(version) && version > 0 ? { version } : {})}
      />
    </main>
  );
}
