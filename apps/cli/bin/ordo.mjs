#!/usr/bin/env node
// The `ordo` command. It runs the TypeScript sources in this process through tsx's loader
// (tsImport: scoped to this import, using apps/cli/tsconfig.json whatever the working
// directory), so it works from a fresh clone after `pnpm install`, with no build step.
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { cli } = await tsImport('../src/main.ts', {
  parentURL: import.meta.url,
  tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
});
await cli();
