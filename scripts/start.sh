#!/usr/bin/env bash
# npm start: installs what is missing, then starts the hub on embedded defaults (embedded database
# under DATA_DIR, Redis at REDIS_URL) with the demo departments loaded, and prints its URLs.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .env ] && set -a && . ./.env && set +a

bash scripts/ensure-deps.sh
node scripts/build-embedded-db.mjs
bash scripts/ensure-redis.sh
npm run -s build

export DATA_DIR=${DATA_DIR:-./data}
export PORT=${PORT:-3000}
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
  staff_login="user admin, password $HUB_ADMIN_PASSWORD (first start; $DATA_DIR/dev-admin-password)"
fi

node dist/seed.js
# The server's Node flags live in package.json (config.serverNodeArgs), shared with the benchmark:
# a bounded old space makes V8 collect instead of letting garbage grow towards its ~4 GB default.
read -r -a node_args <<<"$(node -p "require('./package.json').config.serverNodeArgs.join(' ')")"
node "${node_args[@]}" dist/server.js &
server=$!
trap 'kill -TERM $server 2>/dev/null; wait $server' INT TERM

base=${PUBLIC_URL:-http://localhost:$PORT}
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$PORT/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then
    cat <<TXT

  Citizen interaction hub is running
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
