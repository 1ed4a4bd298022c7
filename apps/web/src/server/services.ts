// One store, one NATS connection and one set of API services per server process, created on
// first use (not at import: `next build` imports route modules). Held on globalThis so that
// every route module — and dev-mode reloads — share them. Server only.
import { apiConfigFromEnv, createServices, type Services } from '@ordo/api';
import { type Bus, type BusLogger, connectBus } from '@ordo/bus';
import { createStore, type Store, sqliteUrlInDataDir } from '@ordo/store';
import { serverEnv } from './env';

interface ServerRuntime {
  store: Store;
  services: Services;
}

const RUNTIME = Symbol.for('ordo.web.runtime');
type Holder = { [RUNTIME]?: ServerRuntime };

/** The process's services (creating the store and the lazy bus connection on first call). */
export function getServices(): Services {
  const holder = globalThis as Holder;
  holder[RUNTIME] ??= createRuntime();
  return holder[RUNTIME].services;
}

function createRuntime(): ServerRuntime {
  const env = serverEnv();
  const store = createStore({ url: env.DATABASE_URL ?? sqliteUrlInDataDir(env.ORDO_DATA_DIR) });
  let bus: Promise<Bus> | undefined;
  // Connected on first need; a failed connect is retried by the next request that needs NATS.
  const getBus = (): Promise<Bus> => {
    bus ??= connectBus({
      url: env.NATS_URL,
      user: env.NATS_USER,
      pass: env.NATS_PASSWORD,
      name: 'web',
    }).catch((err: unknown) => {
      bus = undefined;
      throw err;
    });
    return bus;
  };
  const services = createServices({
    store,
    bus: getBus,
    config: apiConfigFromEnv(env),
    logger: consoleLogger,
  });
  return { store, services };
}

const consoleLogger: BusLogger = {
  debug: () => undefined,
  info: (obj, msg) => console.info(msg, obj),
  warn: (obj, msg) => console.warn(msg, obj),
  error: (obj, msg) => console.error(msg, obj),
};
