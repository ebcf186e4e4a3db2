#!/usr/bin/env bash
# npm run worker: the notification, SLA and import workers without the HTTP server (src/worker.ts),
# with the Node flags kept in package.json (config.workerNodeArgs), which the fanout benchmark also
# reads, so what it measures is what runs.
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a node_args <<<"$(node -p "require('./package.json').config.workerNodeArgs.join(' ')")"
exec node "${node_args[@]}" --import tsx src/worker.ts
