#!/usr/bin/env bash
# Installs the Debian packages the tests drive, when missing: Chromium (the browser tests, through
# playwright-core: the machines cannot download Playwright's own browser builds) and Dovecot's IMAP
# server (the IMAP polling tests start their own instance on a free port), and a Chinese font so
# the pages' screenshots show characters, not boxes. Needs root (the machines
# and CI run as root); a developer without it installs the two packages by hand.
set -euo pipefail
missing=()
fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-wqy-microhei)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
[ -x /usr/sbin/dovecot ] && [ -d /usr/lib/dovecot ] && [ -e /usr/lib/dovecot/imap ] || missing+=(dovecot-imapd)
if [ ${#missing[@]} -gt 0 ]; then
  echo "system packages: installing ${missing[*]}"
  if [ "$(id -u)" != 0 ]; then
    echo "system packages: run as root, or install ${missing[*]} with apt-get yourself" >&2
    exit 1
  fi
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
