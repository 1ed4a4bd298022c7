import { BuildHistory } from '@/features/build-monitor/build-history';

export default function BuildsPage() {
  return (
    <main className="bm-page">
      <h1>Builds</h1>
      <p className="lead">Every build, newest first. Open one to watch it or to retry what failed.</p>
      <BuildHistory />
    </main>
  );
}
