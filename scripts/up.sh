#!/usr/bin/env bash
# Set up and run Ordo: install what is missing, prepare the store, build, start
# NATS + runner + web, print the URL. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

ensure_node
ensure_pnpm
ensure_deps
[ -n "${NATS_URL:-}" ] || ensure_nats_server

say "building the web app"
pnpm exec turbo run build --filter=@ordo/web --output-logs=errors-only || die "web build failed"

exec node scripts/launch.mjs
