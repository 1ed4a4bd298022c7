import { resolve } from 'node:path';

/** The store's SQLite file inside a data directory (ORDO_DATA_DIR): `<dir>/ordo.db`, as a `file:` URL. */
export function sqliteUrlInDataDir(dataDir: string): string {
  return `file:${resolve(dataDir, 'ordo.db')}`;
}
