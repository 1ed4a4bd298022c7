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

log=$(mktemp -t ordo-test.XXXXXX)
trap 'rm -f "$log"' EXIT

say "lint"
pnpm exec biome ci .
say "typecheck + unit/integration tests"
pnpm exec turbo run typecheck test --output-logs=new-only --concurrency=2 | tee -a "$log"
say "e2e (Playwright, Debian Chromium, against the app started as npm start does)"
pnpm exec turbo run e2e --output-logs=new-only | tee -a "$log"

# One closing line for the whole run: Vitest's "Tests  N passed" per package, Playwright's "N passed".
summary=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | awk '
  /Tests +[0-9]+ passed/ { for (i = 1; i <= NF; i++) if ($(i+1) == "passed") { p += $i } }
  /Tests +[0-9]+ failed/ { for (i = 1; i <= NF; i++) if ($(i+1) == "failed") { f += $i } }
  /^[^ ]*e2e:e2e: +[0-9]+ passed/ { for (i = 1; i <= NF; i++) if ($(i+1) == "passed") { p += $i } }
  END { printf "%d passed, %d failed", p, f }')
say "all tests passed"
echo "$summary"
