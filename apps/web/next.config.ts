import type { NextConfig } from 'next';

const config: NextConfig = {
  // Workspace packages ship TypeScript sources; Next compiles them.
  transpilePackages: ['@ordo/core'],
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
