#!/usr/bin/env bash
# Run everything CI runs: lint, typecheck, unit, integration and e2e tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node
ensure_pnpm
ensure_deps
ensure_nats_server
ensure_chromium

say "lint"
pnpm exec biome ci .
say "typecheck + unit/integration tests"
pnpm exec turbo run typecheck test --output-logs=new-only --concurrency=1
say "e2e (Playwright, Debian Chromium, against the app started as npm start does)"
pnpm exec turbo run e2e --output-logs=new-only
say "all tests passed"
