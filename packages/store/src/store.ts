import { BuildRepository } from './builds';
import { CallbackRepository } from './callbacks';
import { EnvironmentRepository } from './environments';
import { StoreError } from './errors';
import { PrismaClient } from './generated/prisma/client';
import { GraphDefinitionRepository } from './graph-definitions';
import { LifecycleRepository } from './lifecycles';
import { LogRepository } from './logs';
import { ResourceRepository } from './resources';
import { defaultSqliteSettings, SqliteAdapterFactory, type SqliteSettings } from './sqlite';

export interface StoreOptions {
  /**
   * Where the store lives: a `file:` URL of an SQLite file (`file:/abs/path/ordo.db`,
   * `file:./relative.db` from the working directory). Its tables must exist already:
   * `pnpm db:migrate` (or `createTestStore()` in tests) creates them.
   */
  url: string;
  /** SQLite connection settings; see SqliteSettings. */
  sqlite?: Partial<SqliteSettings>;
}

/**
 * Ordo's store: one repository per aggregate, each returning plain objects.
 * Open one Store per process and database and share it: its statements run one at a time
 * on one connection, and a second Store on the same file in the same process would wait on
 * the first one's write lock while blocking the thread that could release it.
 */
export interface Store {
  readonly graphDefinitions: GraphDefinitionRepository;
  readonly builds: BuildRepository;
  readonly logs: LogRepository;
  readonly environments: EnvironmentRepository;
  readonly resources: ResourceRepository;
  readonly callbacks: CallbackRepository;
  readonly lifecycles: LifecycleRepository;
  /** Closes the connection. The Store cannot be used afterwards. */
  close(): Promise<void>;
}

export function createStore(options: StoreOptions): Store {
  const adapter = adapterFor(options);
  const db = new PrismaClient({ adapter });
  return {
    graphDefinitions: new GraphDefinitionRepository(db),
    builds: new BuildRepository(db, adapter.connection),
    logs: new LogRepository(db),
    environments: new EnvironmentRepository(db),
    resources: new ResourceRepository(db),
    callbacks: new CallbackRepository(db),
    lifecycles: new LifecycleRepository(db),
    close: async () => {
      // the connection first, once no save or query holds it; then Prisma lets go of it
      await adapter.connection.close();
      await db.$disconnect();
    },
  };
}

function adapterFor({ url, sqlite }: StoreOptions): SqliteAdapterFactory {
  if (url.startsWith('file:')) return new SqliteAdapterFactory(url, { ...defaultSqliteSettings, ...sqlite });
  const scheme = url.split(':', 1)[0] ?? '';
  if (scheme === 'postgres' || scheme === 'postgresql') {
    throw new StoreError(
      'UNSUPPORTED_URL',
      'DATABASE_URL is a PostgreSQL URL, but this store is generated for SQLite only so far; ' +
        'unset DATABASE_URL to use the SQLite file in ORDO_DATA_DIR.',
    );
  }
  throw new StoreError('UNSUPPORTED_URL', `unsupported store URL scheme "${scheme}:"; expected a file: URL`);
}
