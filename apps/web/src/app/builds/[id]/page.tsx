import { BuildMonitor } from '@/features/build-monitor/build-monitor';

export default async function BuildPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  let buildId = id;
  try {
    buildId = decodeURIComponent(id);
  } catch {
    // not percent-encoded: use it as it is
  }
  return (
    <main className="bm-page bm-wide">
      <BuildMonitor key={buildId} buildId={buildId} />
    </main>
  );
}
