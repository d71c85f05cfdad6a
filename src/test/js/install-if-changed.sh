#!/bin/sh
# Installs the test clients pinned in package-lock.json (npm ci) when node_modules is missing or was installed
# from another lock file, so that a checkout whose lock gained a package gets it on the next build.
set -e
cd "$(dirname "$0")"
stamp=node_modules/.procbus-lock.sha256
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  npm ci --no-audit --no-fund --loglevel=error
  echo "$want" > "$stamp"
fi
