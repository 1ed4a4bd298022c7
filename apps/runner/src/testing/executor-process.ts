// A counting executor in its own process, so a test can SIGKILL it mid-task.
// Env: NATS_URL, ORDO_DATA_DIR, LEDGER (file of component ids, one line per finished work),
// PROVIDER, WORK_MS, ACK_WAIT_MS, CONCURRENCY (tasks at once, default the SDK's); with
// ANNOUNCE_WORK=1 it prints `working <component id>` on stdout when a task's work begins.
import { connectBus } from '@ordo/bus';
import { runExecutors } from '@ordo/executors';
import { countingExecutor } from './counting-executor';

const bus = await connectBus({ url: process.env.NATS_URL ?? '', name: 'test-executor' });
const { executor } = countingExecutor({
  provider: process.env.PROVIDER ?? 'sim',
  workMs: Number(process.env.WORK_MS ?? 50),
  ledger: process.env.LEDGER ?? '',
  onWork: process.env.ANNOUNCE_WORK ? (id) => process.stdout.write(`working ${id}\n`) : undefined,
});
await runExecutors(bus, [executor], {
  dataDir: process.env.ORDO_DATA_DIR ?? '',
  ackWaitMs: Number(process.env.ACK_WAIT_MS ?? 2_000),
  ...(process.env.CONCURRENCY ? { concurrency: Number(process.env.CONCURRENCY) } : {}),
});
process.stdout.write('ready\n');
