// Starts Ordo's processes and stops them together: the embedded NATS server (unless
// NATS_URL is set), the runner (once apps/runner exists) and the web app. Prints the URL.
// Ctrl-C (SIGINT) or SIGTERM stops every child; if one child dies, the others are stopped.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const env = { ...process.env };
env.PORT ??= '3000';
env.ORDO_DATA_DIR = resolve(root, env.ORDO_DATA_DIR ?? 'data');
env.NATS_PORT ??= '4222';
env.NATS_WS_PORT ??= '4223';
mkdirSync(env.ORDO_DATA_DIR, { recursive: true });

const children = [];
let stopping = false;

function log(message) {
  process.stdout.write(`\x1b[1;34mordo:\x1b[0m ${message}\n`);
}

function start(name, command, args, { cwd = root, extraEnv = {} } = {}) {
  const child = spawn(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${name}] `;
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream.on('data', (chunk) => {
      const lines = (rest + chunk.toString()).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) process.stdout.write(prefix + line + '\n');
    });
  }
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the rest`);
      stop(1);
    }
  });
  children.push({ name, child });
  return child;
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolvePromise, reject) => {
    const attempt = () => {
      const socket = connect({ host: '127.0.0.1', port: Number(port) });
      socket.once('connect', () => {
        socket.end();
        resolvePromise();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline)
          reject(new Error(`nothing answered on port ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function stop(code) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  // Stop in reverse order: web, runner, then NATS last so the others can drain.
  const alive = children
    .filter(({ child }) => child.exitCode === null && child.signalCode === null)
    .reverse();
  let pending = alive.length;
  if (pending === 0) process.exit(code);
  const killTimer = setTimeout(() => {
    for (const { child } of alive) child.kill('SIGKILL');
    process.exit(code);
  }, 10_000);
  for (const { child } of alive) {
    child.once('exit', () => {
      pending -= 1;
      if (pending === 0) {
        clearTimeout(killTimer);
        process.exit(code);
      }
    });
    child.kill('SIGTERM');
  }
}

process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

/** Applies the committed store migrations (Prisma's WebAssembly engine; no download). */
function migrate() {
  const storeDir = resolve(root, 'packages/store');
  const result = spawnSync(resolve(storeDir, 'node_modules/.bin/prisma'), ['migrate', 'deploy'], {
    cwd: storeDir,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stdout.write(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    throw new Error('store migration failed');
  }
  log(`store ready (${env.DATABASE_URL ? 'DATABASE_URL' : `${env.ORDO_DATA_DIR}/ordo.db`})`);
}

async function main() {
  migrate();
  if (!env.NATS_URL) {
    // Letters and digits only, letter first: nats-server parses a $VAR value as config syntax.
    const password = `p${randomBytes(18).toString('hex')}`;
    const storeDir = resolve(env.ORDO_DATA_DIR, 'nats');
    mkdirSync(storeDir, { recursive: true });
    start('nats', env.NATS_SERVER_BIN ?? 'nats-server', ['-c', resolve(root, 'infra/nats.conf')], {
      extraEnv: { ORDO_NATS_STORE_DIR: storeDir, ORDO_NATS_PASSWORD: password },
    });
    await waitForPort(env.NATS_PORT, 15_000);
    env.NATS_URL = `nats://127.0.0.1:${env.NATS_PORT}`;
    env.NATS_USER = 'ordo';
    env.NATS_PASSWORD = password;
    env.NATS_WS_URL ??= `ws://127.0.0.1:${env.NATS_WS_PORT}`;
    log(`NATS on 127.0.0.1:${env.NATS_PORT} (WebSocket ${env.NATS_WS_PORT}), JetStream in ${storeDir}`);
  } else {
    log(`using NATS at ${env.NATS_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
  }

  if (existsSync(resolve(root, 'apps/runner/package.json'))) {
    const runnerDir = resolve(root, 'apps/runner');
    // `node --import tsx` keeps the runner one process, so signals reach it directly.
    start('runner', process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: runnerDir });
  }
  const webDir = resolve(root, 'apps/web');
  start('web', resolve(webDir, 'node_modules/.bin/next'), ['start', '-p', env.PORT], { cwd: webDir });
  await waitForPort(env.PORT, 60_000);
  log(`Ordo is running: http://localhost:${env.PORT}  (Ctrl-C to stop)`);
}

main().catch((error) => {
  log(`failed to start: ${error.message}`);
  stop(1);
});
