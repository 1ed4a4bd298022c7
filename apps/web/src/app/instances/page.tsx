import { Instances } from '@/features/instances/instances';

export default function InstancesPage() {
  return (
    <main className="bm-page bm-wide">
      <h1>Instances</h1>
      <p className="lead">
        The cloud resources your builds made, with their live state. Start, stop, reboot or terminate what the
        state allows; open one for its callbacks, history and lifecycle.
      </p>
      <Instances />
    </main>
  );
}
