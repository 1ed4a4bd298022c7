// The SQLite writer thread (sqlite.ts, `SqliteConnection.run`): one connection of its own to
// the store's file, set up like the main one; each message is one save — its statements run in
// order in one IMMEDIATE transaction, checked, then committed (or rolled back) — answered with
// the rows each statement changed or with why it failed. Saves run one after the other;
// `{close: true}` closes the connection and ends the thread.
// Plain JavaScript: it is started without a TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import { createClient } from '@libsql/client';

const { url, setup } = workerData;
const client = createClient({ url });
let ready;

/** the connection's settings, once: statement by statement (these PRAGMAs answer with a row) */
async function open() {
  for (const sql of setup) await client.execute(sql);
}

async function save({ id, statements }) {
  ready ??= open();
  await ready;
  if (statements.length === 0) return { id, changes: [] }; // prepare: the connection is open
  await client.execute('BEGIN IMMEDIATE');
  try {
    const changes = [];
    for (let index = 0; index < statements.length; index++) {
      const { sql, args, changes: expected } = statements[index];
      const { rowsAffected } = await client.execute({ sql, args });
      if (expected !== undefined && rowsAffected !== expected) {
        await client.execute('ROLLBACK');
        return { id, check: { index, expected, actual: rowsAffected } };
      }
      changes.push(rowsAffected);
    }
    await client.execute('COMMIT');
    return { id, changes };
  } catch (error) {
    // (after a failed COMMIT SQLite may have rolled back already: then this fails, harmlessly)
    await client.execute('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

let queue = Promise.resolve();

parentPort.on('message', (message) => {
  if (message.close) {
    // after the saves before it: the connection closed, the thread ends (nothing else keeps it)
    queue = queue.then(() => {
      client.close();
      parentPort.close();
    });
    return;
  }
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await save(message);
    } catch (error) {
      reply = {
        id: message.id,
        error: { message: String(error?.message ?? error), code: error?.code, rawCode: error?.rawCode },
      };
    }
    parentPort.postMessage(reply);
  });
});
