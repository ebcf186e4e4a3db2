#!/usr/bin/env bash
# npm test: lint, typecheck, then every test (unit and integration against real Redis and the
# embedded database; with MONGODB_URI set, against that server instead).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
node scripts/build-embedded-db.mjs
bash scripts/ensure-redis.sh
bash scripts/ensure-system-packages.sh
npm run -s lint
npm run -s typecheck
mapfile -t files < <(find test -name '*.test.ts' | sort)
# Each file runs in its own process with its own database directory and Redis key prefix.
node --import tsx --test --test-concurrency=2 --test-timeout=300000 "${files[@]}"
