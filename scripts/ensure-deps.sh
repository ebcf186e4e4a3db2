#!/usr/bin/env bash
# Installs npm dependencies exactly as package-lock.json records them, when node_modules is missing
# or older than the lock.
#
# Why not `npm ci`: msgpackr (via bullmq) lists prebuilt msgpackr-extract packages for every platform
# as optional dependencies, and the registry we reach lacks the non-Linux ones (404), so npm cannot
# record them and `npm ci` refuses the lock as out of sync. `npm install` with the lock installs the
# locked tree; we then insist the lock did not change, which is what `npm ci` would have guaranteed.
set -euo pipefail
cd "$(dirname "$0")/.."
marker=node_modules/.package-lock.json
if [ ! -f "$marker" ] || [ package-lock.json -nt "$marker" ]; then
  before=$(sha256sum package-lock.json)
  echo "deps: npm install (from package-lock.json)"
  npm install --no-audit --no-fund
  if [ "$before" != "$(sha256sum package-lock.json)" ]; then
    echo "deps: package-lock.json changed while installing; commit the updated lock" >&2
    [ -n "${CI:-}" ] && exit 1
  fi
fi
