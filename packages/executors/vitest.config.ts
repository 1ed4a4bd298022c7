import { defineConfig } from 'vitest/config';

// Integration tests start a real nats-server per file (@ordo/bus/testing).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
