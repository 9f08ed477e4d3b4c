#!/usr/bin/env bash
# Browser tests: builds the steward binary, installs Debian's Chromium and the test
# packages if they are missing, and runs every test in e2e/tests in headless Chromium.
set -euo pipefail
cd "$(dirname "$0")"

if [[ ! -x ${CHROMIUM:-/usr/bin/chromium} ]]; then
  echo "Installing Chromium from Debian's packages"
  if [[ $(id -u) -eq 0 ]]; then sudo_=""; else sudo_="sudo"; fi
  $sudo_ apt-get update -qq
  $sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if [[ ! -d node_modules/playwright-core || ! -d node_modules/axe-core ]]; then
  npm ci --no-audit --no-fund
fi
(cd .. && cargo build -p steward --locked)
node --test --test-concurrency=1 tests/
