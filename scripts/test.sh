#!/usr/bin/env bash
# Runs every check Steward has: formatting, lints, the whole test suite against SQLite
# and PostgreSQL, the browser tests in headless Chromium, and Schemathesis against the
# API's OpenAPI document. On a fresh machine it installs and starts PostgreSQL and
# Chromium from Debian's packages first (and Schemathesis from PyPI into target/).
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root (or sudo) to run: $*" >&2; return 1; fi
}

pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; }

start_postgres() {
  if ! pg_ready; then
    if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
      log "Installing PostgreSQL from Debian's packages"
      as_root apt-get update -qq
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    log "Starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql | sort -V | tail -n 1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
  fi
  pg_ready || { echo "PostgreSQL did not start" >&2; return 1; }
}

ensure_test_database() {
  # A dedicated role and database for the tests, created idempotently.
  local sql="DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'steward_test') THEN CREATE ROLE steward_test LOGIN PASSWORD 'steward_test'; END IF; END \$\$; ALTER ROLE steward_test CREATEDB;"
  if [[ $(id -u) -eq 0 ]] && id postgres >/dev/null 2>&1; then
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -c "$sql" >/dev/null
    runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_database WHERE datname = 'steward_test'" | grep -q 1 \
      || runuser -u postgres -- createdb -O steward_test steward_test
  else
    psql -h 127.0.0.1 -U postgres -q -v ON_ERROR_STOP=1 -c "$sql" >/dev/null
    psql -h 127.0.0.1 -U postgres -qtAc "SELECT 1 FROM pg_database WHERE datname = 'steward_test'" | grep -q 1 \
      || createdb -h 127.0.0.1 -U postgres -O steward_test steward_test
  fi
  export STEWARD_TEST_POSTGRES_URL="postgres://steward_test:steward_test@127.0.0.1:5432/steward_test"
}

if [[ -z ${STEWARD_TEST_POSTGRES_URL:-} ]]; then
  start_postgres
  ensure_test_database
fi
echo "PostgreSQL tests use ${STEWARD_TEST_POSTGRES_URL%%:*}://…@${STEWARD_TEST_POSTGRES_URL##*@}"

log "Formatting"
cargo fmt --all -- --check

log "Lints"
cargo clippy --workspace --all-targets --locked -- -D warnings

if ! command -v 7zz >/dev/null && ! command -v 7z >/dev/null; then
  log "Installing 7-Zip from Debian's packages (the response-pack tests open packs with it)"
  { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq 7zip >/dev/null; } \
    || echo "7-Zip could not be installed; the tests will say they skipped that check"
fi

log "Tests (SQLite and PostgreSQL)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

log "Browser and accessibility tests (headless Chromium)"
e2e/run.sh

log "API conformance to its OpenAPI document (Schemathesis)"
scripts/schemathesis.sh
