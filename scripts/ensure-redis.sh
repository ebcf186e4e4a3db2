#!/usr/bin/env bash
# Makes sure Redis answers at REDIS_URL (default redis://127.0.0.1:6379). For a local address with
# nothing listening, starts the machine's redis-server (installing it with apt-get if missing),
# without persistence, as the hub keeps nothing in Redis that it cannot rebuild.
set -euo pipefail
url=${REDIS_URL:-redis://127.0.0.1:6379}
# Node's URL parser: user:password@, [IPv6] hosts and default ports included.
read -r host port < <(node -e 'const u = new URL(process.argv[1]); console.log(u.hostname.replace(/^\[|\]$/g, ""), u.port || 6379)' "$url")

ping_redis() {
  # A bare RESP PING over bash's /dev/tcp: no client needed.
  local reply=''
  # The braces keep 2>/dev/null to this one open: on a bare exec it would silence the whole script.
  { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3
  read -r -t 2 reply <&3 || true
  exec 3>&- 3<&-
  [[ "$reply" == "+PONG"* || "$reply" == "-NOAUTH"* ]]
}

if ping_redis; then
  echo "redis: answering at $host:$port"
  exit 0
fi
case "$host" in
  127.0.0.1 | localhost | ::1) ;;
  *)
    echo "redis: nothing answers at $host:$port (REDIS_URL); start it or fix REDIS_URL" >&2
    exit 1
    ;;
esac
if ! command -v redis-server >/dev/null; then
  echo "redis: installing redis-server"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
fi
echo "redis: starting redis-server on $host:$port"
redis-server --daemonize yes --bind "$host" --port "$port" --save "" --appendonly no
for _ in $(seq 1 50); do
  if ping_redis; then
    echo "redis: answering at $host:$port"
    exit 0
  fi
  sleep 0.1
done
echo "redis: started but not answering on $port" >&2
exit 1
