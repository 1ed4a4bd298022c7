import { defineConfig } from 'vitest/config';

// Integration tests start a real nats-server per file (src/testing.ts): allow for restarts.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
