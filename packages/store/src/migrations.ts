import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The committed migrations: /prisma/migrations at the repository root. */
export const migrationsDir = fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));

export interface Migration {
  /** Folder name, `<timestamp>_<label>`; folders apply in name order, as Prisma applies them. */
  name: string;
  sql: string;
}

/** Reads every `<folder>/migration.sql` under `dir`, in the order Prisma applies them. */
export async function readMigrations(dir: string = migrationsDir): Promise<Migration[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => ({ name, sql: await readFile(join(dir, name, 'migration.sql'), 'utf8') })),
  );
}
