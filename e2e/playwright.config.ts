import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// The app under test is started exactly as an operator starts it (scripts/launch.mjs:
// embedded NATS, runner, web), on random ports with a throw-away data directory.
// Playwright reads this file in every worker: compute the ports once and pass them on.
process.env.E2E_PORT ??= String(30000 + Math.floor(Math.random() * 20000));
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'ordo-e2e-'));
const port = Number(process.env.E2E_PORT);

export default defineConfig({
  testDir: './specs',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: 'node ../scripts/launch.mjs',
    url: `http://127.0.0.1:${port}/`,
    timeout: 120_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      PORT: String(port),
      NATS_PORT: String(port + 1),
      NATS_WS_PORT: String(port + 2),
      ORDO_DATA_DIR: process.env.E2E_DATA_DIR,
      NATS_URL: '',
      // callbacks to the specs' own receivers on 127.0.0.1 (refused by default: loopback)
      ORDO_CALLBACK_ALLOWLIST: '127.0.0.1',
      // simulated resources are polled every second, not every 30 s
      ORDO_POLL_INTERVALS: 'sim=1000',
    },
  },
});
