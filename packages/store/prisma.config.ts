// Prisma CLI configuration for Ordo's store (read by `prisma generate` and `prisma migrate …`).
//
// It lives in packages/store, not at the repository root: it imports `prisma/config` and the
// libSQL adapter, which pnpm makes resolvable only from the package that depends on them
// (@ordo/store), and the root package.json gets no dependencies. The schema and the committed
// migrations stay in /prisma (the one store schema); the paths below point there.
//
// Fully offline (see /work/shared/toolchain.md, "Prisma"): `engine: 'js'` runs migrations in the
// WebAssembly schema engine bundled with the CLI, through a driver adapter, so no native engine
// is ever downloaded. The adapter is the Store's own (src/sqlite.ts): `migrate deploy` then
// waits for a running Ordo's write lock instead of failing, and leaves the file in WAL mode.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'prisma/config';
import { sqliteUrlInDataDir } from './src/database-url';
import { SqliteAdapterFactory } from './src/sqlite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

// The CLI still looks for a native query-engine library when it starts, although the
// Rust-free client (engineType = "client") never loads one. Any existing file satisfies it.
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= fileURLToPath(import.meta.url);
// The CLI's update check and usage ping (checkpoint.prisma.io) cannot get through here and
// only add time to every command.
process.env.CHECKPOINT_DISABLE ??= '1';

/**
 * The store: DATABASE_URL, or the SQLite file `ordo.db` in ORDO_DATA_DIR (default `data`), a
 * relative directory being taken from the repository root as scripts/launch.mjs does.
 * The schema's datasource reads `env("DATABASE_URL")` (Prisma 6 refuses a datasource without
 * a url, although the adapter does the work), so the default is written back to the environment.
 */
const dataDir = resolve(root, process.env.ORDO_DATA_DIR || 'data');
const useDataDir = !process.env.DATABASE_URL;
process.env.DATABASE_URL ||= sqliteUrlInDataDir(dataDir);
const url = process.env.DATABASE_URL;

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: resolve(root, 'prisma/schema.prisma'),
  migrations: { path: resolve(root, 'prisma/migrations') },
  adapter: async () => {
    if (!url.startsWith('file:')) {
      throw new Error(`DATABASE_URL must be an SQLite file: URL for now (got "${url.split(':', 1)[0]}:")`);
    }
    if (useDataDir) mkdirSync(dataDir, { recursive: true });
    return new SqliteAdapterFactory(url);
  },
});
