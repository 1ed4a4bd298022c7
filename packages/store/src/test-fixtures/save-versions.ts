// Child process for the cross-process test: saves `count` versions of `name` in the store at
// `url`, starting at `startAt` (epoch ms) so that several processes write at the same time.
// Prints {"saved": n, "errors": ["…"]} on stdout.
import { createStore } from '../store';

const [url = '', name = 'shared', count = '10', startAt = '0', busyTimeoutMs = '5000'] =
  process.argv.slice(2);
const store = createStore({ url, sqlite: { busyTimeoutMs: Number(busyTimeoutMs) } });
await store.graphDefinitions.latest(name); // load the query compiler before the start line
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));

let saved = 0;
const errors: string[] = [];
for (let i = 0; i < Number(count); i++) {
  try {
    await store.graphDefinitions.save(name, { ordo: 1, pid: process.pid, i });
    saved++;
  } catch (error) {
    errors.push(String(error instanceof Error ? error.message : error).slice(0, 200));
  }
}
await store.close();
process.stdout.write(JSON.stringify({ saved, errors }));
