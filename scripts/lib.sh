# Shared install steps for scripts/up.sh, scripts/test.sh and .ci/run.
# Each step installs what is missing and says so; nothing here downloads from outside
# the npm registry and Debian's packages.

PNPM_VERSION=10.34.9

say() { printf '\033[1;34mordo:\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mordo:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
  # apt_install <package>...: install Debian packages when we are root, else explain.
  if ! is_root; then
    die "missing: $*. Install with: sudo apt-get update && sudo apt-get install -y $*"
  fi
  if [ -z "${ORDO_APT_UPDATED:-}" ]; then
    say "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null || die "apt-get update failed"
    export ORDO_APT_UPDATED=1
  fi
  say "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

ensure_node() {
  command -v node >/dev/null || die "Node.js 20.9 or newer is needed (https://nodejs.org or Debian's nodejs)."
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=9)?0:1)' \
    || die "Node.js $(node -v) is too old: Ordo needs 20.9 or newer."
}

ensure_pnpm() {
  if command -v pnpm >/dev/null && [ "$(pnpm -v 2>/dev/null)" = "$PNPM_VERSION" ]; then return; fi
  say "installing pnpm@$PNPM_VERSION with npm (corepack does not work on these machines)"
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || die "npm install -g pnpm@$PNPM_VERSION failed"
  hash -r
}

ensure_deps() {
  say "installing dependencies (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile --reporter=silent || die "pnpm install failed"
}

ensure_nats_server() {
  # Needed when no NATS_URL is given (embedded server) and by the integration tests.
  if command -v "${NATS_SERVER_BIN:-nats-server}" >/dev/null; then return; fi
  if is_root; then
    apt_install nats-server
  else
    die "nats-server is not on PATH. Install it (sudo apt-get install -y nats-server) or set NATS_URL to an existing server."
  fi
}

ensure_chromium() {
  # The e2e tests drive Debian's Chromium; Playwright never downloads a browser here.
  if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then return; fi
  apt_install chromium
}
