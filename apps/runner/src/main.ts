// The runner process: scheduler, cloud state, log keeper and (by default) the built-in
// executors, wired to NATS and the store. No logic of its own lives here.
import { mkdirSync } from 'node:fs';
import { connectBus, ensureExecRoutes, ensureStreams } from '@ordo/bus';
import { builtinExecutors, runExecutors } from '@ordo/executors';
import { createStore } from '@ordo/store';
import pino from 'pino';
import { CloudService } from './cloud/service';
import { readEnv } from './env';
import { keepLogs } from './logs';
import { NATIVE_PROVIDERS, Runner } from './runner';

async function main(): Promise<void> {
  const env = readEnv();
  const log = pino({ name: 'runner', level: env.logLevel });
  mkdirSync(env.dataDir, { recursive: true });

  const store = createStore({ url: env.databaseUrl });
  const bus = await connectBus({
    url: env.natsUrl,
    user: env.natsUser,
    pass: env.natsPassword,
    name: 'ordo-runner',
    logger: log.child({ part: 'bus' }),
  });
  const simulateAll = env.simulateProviders.includes('*');
  const simulateProviders = env.simulateProviders.filter((p) => p !== '*');
  const providers = ['sim', ...NATIVE_PROVIDERS, ...simulateProviders];
  await ensureStreams(bus, { prefix: env.prefix, providers });
  if (env.prefix === '') {
    // Bare subjects: the exec streams capture only the routes they were told about (see
    // packages/bus streams.ts). Start with gorch's `task` type; the runner adds each build's.
    await ensureExecRoutes(bus, { prefix: '', types: ['task'], providers });
  }

  const executors =
    env.executors === 'builtin'
      ? await runExecutors(bus, builtinExecutors({ simulateProviders }), {
          prefix: env.prefix,
          dataDir: env.dataDir,
        })
      : undefined;
  const logs = await keepLogs(bus, store, log.child({ part: 'logs' }));
  const nativeProviders = new Set(providers);
  const cloud = new CloudService({
    store,
    bus,
    logger: log.child({ part: 'cloud' }),
    prefix: env.prefix,
    nativeProviders,
    simulateAll,
    settings: env.cloud,
  });
  const runner = new Runner({
    store,
    bus,
    logger: log.child({ part: 'scheduler' }),
    prefix: env.prefix,
    nativeProviders,
    simulateAll,
    claimResult: (delivery) => cloud.claim(delivery),
    maxDispatchesPerStep: env.dispatchBudget,
  });
  // the cloud service first: the results consumer the runner binds hands it its results
  await cloud.start();
  await runner.start();
  log.info({ executors: env.executors, prefix: env.prefix }, 'runner started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await runner.stop();
    await cloud.stop();
    await executors?.stop();
    await logs.stop();
    await bus.drain().catch(() => undefined);
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error) => {
  console.error('runner failed to start:', error);
  process.exit(1);
});
