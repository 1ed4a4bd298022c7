import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them.
  transpilePackages: [
    '@ordo/core',
    '@ordo/contracts',
    '@ordo/bus',
    '@ordo/store',
    '@ordo/api',
    '@ordo/callbacks',
  ],
  // Server-only packages with native parts or dynamic requires: loaded by Node at run time,
  // not bundled.
  serverExternalPackages: [
    'nats',
    'pino',
    '@libsql/client',
    'libsql',
    '@prisma/client',
    '@prisma/adapter-libsql',
  ],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
