import { defineConfig } from 'vitest/config';

// Integration tests start a real nats-server and a temporary SQLite file per test file.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
