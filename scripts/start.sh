#!/usr/bin/env bash
# npm start: installs what is missing, then starts the hub on embedded defaults (embedded database
# under DATA_DIR, Redis at REDIS_URL) with the demo departments loaded, and prints its URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a

bash scripts/ensure-deps.sh
node scripts/build-embedded-db.mjs
bash scripts/ensure-redis.sh

# The TypeScript compile takes a minute or more on a busy machine: only when a source, a tsconfig or
# the dependencies changed since the last one (a hash of them, kept in .cache), and never silently.
stamp=.cache/build-stamp
sources=$(find src tsconfig.json tsconfig.build.json package-lock.json -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
if [ -f dist/server.js ] && [ "$(cat "$stamp" 2>/dev/null)" = "$sources" ]; then
  echo "build: dist/ is up to date with src/, not compiling"
else
  echo "build: compiling TypeScript into dist/ (sources changed; a minute or more on a busy machine) …"
  build_start=$SECONDS
  npm run -s build
  mkdir -p .cache && echo "$sources" >"$stamp"
  echo "build: done in $((SECONDS - build_start)) s"
fi

export DATA_DIR=${DATA_DIR:-./data}
export PORT=${PORT:-3000}
# "First start" means a new data directory: the admin password below is applied only then.
first_start=
if [ ! -d "$DATA_DIR" ] || [ -z "$(ls -A "$DATA_DIR")" ]; then first_start=1; fi
mkdir -p "$DATA_DIR"
if [ -z "${HUB_API_TOKEN:-}" ]; then
  # A development admin token, kept under DATA_DIR so it survives restarts.
  [ -f "$DATA_DIR/dev-api-token" ] || node -e "process.stdout.write('dev_'+require('crypto').randomBytes(24).toString('base64url'))" >"$DATA_DIR/dev-api-token"
  HUB_API_TOKEN=$(cat "$DATA_DIR/dev-api-token")
  export HUB_API_TOKEN
fi
staff_login="user admin, password from HUB_ADMIN_PASSWORD"
if [ -z "${HUB_ADMIN_PASSWORD:-}" ]; then
  # A development password for the bootstrap `admin` staff account, kept under DATA_DIR; it is only
  # applied when `admin` does not exist yet (first start).
  [ -f "$DATA_DIR/dev-admin-password" ] || node -e "process.stdout.write(require('crypto').randomBytes(12).toString('base64url'))" >"$DATA_DIR/dev-admin-password"
  HUB_ADMIN_PASSWORD=$(cat "$DATA_DIR/dev-admin-password")
  export HUB_ADMIN_PASSWORD
  if [ -n "$first_start" ]; then
    staff_login="user admin, password $HUB_ADMIN_PASSWORD (set on this first start; $DATA_DIR/dev-admin-password)"
  else
    staff_login="user admin, password as set on the first start ($DATA_DIR/dev-admin-password, unless changed since)"
  fi
fi

echo "seed: loading the demo departments, rules and cases (only what is missing) …"
node dist/seed.js
echo "hub: starting; the URLs follow once it answers /readyz"
# The server's Node flags live in package.json (config.serverNodeArgs), shared with the benchmark:
# a bounded old space makes V8 collect instead of letting garbage grow towards its ~4 GB default.
read -r -a node_args <<<"$(node -p "require('./package.json').config.serverNodeArgs.join(' ')")"
node "${node_args[@]}" dist/server.js &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM

base=${PUBLIC_URL:-http://localhost:$PORT}
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$PORT/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    heading="Citizen interaction hub is running"
    [ -n "$first_start" ] && heading="$heading (first start: new data directory $DATA_DIR)"
    cat <<TXT

  $heading
    citizen pages  $base/   (submit, track, subsidies, applications, board)
    mailbox        SMTP on port ${SMTP_PORT:-2525} for 12345@ and mayor@ (MAIL_INBOUND)
    staff pages    $base/staff         ($staff_login)
    staff API      $base/api/v1        (Authorization: Bearer $HUB_API_TOKEN)
    API docs       $base/docs
    live events    ${base/http/ws}/api/v1/live
    SMS webhook    $base/webhooks/twilio/sms
    health         $base/healthz   $base/readyz   $base/metrics
    data           $DATA_DIR (embedded database unless MONGODB_URI is set)

  Try: curl -s -H "Authorization: Bearer $HUB_API_TOKEN" $base/api/v1/departments
  Stop with Ctrl-C.

TXT
    break
  fi
  kill -0 $server 2>/dev/null || break
  sleep 0.5
done
wait $server
