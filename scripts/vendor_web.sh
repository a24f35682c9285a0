#!/usr/bin/env bash
# Refresh the browser libraries the widget serves from bot/web/vendor/ (today: the socket.io
# client, pinned in bot/web/package.json and package-lock.json), with their licences.
# The vendored files are committed, so running the widget never needs npm: run this only to
# update a version (edit package.json, delete package-lock.json, run it, commit vendor/).
set -euo pipefail
cd "$(dirname "$0")/../bot/web"
command -v npm >/dev/null || { echo "error: npm is needed to refresh bot/web/vendor/" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
if [ -f package-lock.json ]; then
  cp package-lock.json "$work/"
  (cd "$work" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
else
  (cd "$work" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$work/package-lock.json" .
fi

modules="$work/node_modules"
version=$(node -p "require('$modules/socket.io-client/package.json').version")
mkdir -p vendor
cp "$modules/socket.io-client/dist/socket.io.min.js" vendor/socket.io.min.js
# The browser bundle contains socket.io-client and the packages it bundles: keep each licence.
{
  for pkg in socket.io-client engine.io-client engine.io-parser socket.io-parser @socket.io/component-emitter; do
    echo "==== $pkg $(node -p "require('$modules/$pkg/package.json').version") ===="
    cat "$modules/$pkg/LICENSE"
    echo
  done
} > vendor/socket.io-client.LICENSE
echo "socket.io-client $version  $(sha256sum vendor/socket.io.min.js | cut -d' ' -f1)  socket.io.min.js" > vendor/VERSIONS
echo "==> bot/web/vendor/: socket.io-client $version"
