// A counting executor in its own process, so a test can SIGKILL it mid-task.
// Env: NATS_URL, ORDO_DATA_DIR, LEDGER (file of component ids, one line per finished work),
// PROVIDER, WORK_MS, ACK_WAIT_MS.
import { connectBus } from '@ordo/bus';
import { runExecutors } from '@ordo/executors';
import { countingExecutor } from './counting-executor';

const bus = await connectBus({ url: process.env.NATS_URL ?? '', name: 'test-executor' });
const { executor } = countingExecutor({
  provider: process.env.PROVIDER ?? 'sim',
  workMs: Number(process.env.WORK_MS ?? 50),
  ledger: process.env.LEDGER ?? '',
});
await runExecutors(bus, [executor], {
  dataDir: process.env.ORDO_DATA_DIR ?? '',
  ackWaitMs: Number(process.env.ACK_WAIT_MS ?? 2_000),
});
process.stdout.write('ready\n');
