#!/bin/sh
# Installs node-mavlink, at the versions package-lock.json pins, into the
# build directory with `npm ci`; does nothing when that is already done.
# If npm fails (no network), the build goes on and the interop test fails,
# pointing at npm-install.log; the next build tries again.
# usage: npm-install.sh NPM SOURCE_DIR BUILD_DIR STAMP
set -u
npm=$1 src=$2 dst=$3 stamp=$4

if [ -f "$dst/node_modules/node-mavlink/package.json" ] &&
   cmp -s "$src/package-lock.json" "$dst/package-lock.json"; then
  touch "$stamp"
  exit 0
fi
cp "$src/package.json" "$src/package-lock.json" "$dst/" || exit 1
if "$npm" ci --prefix "$dst" --no-audit --no-fund --fetch-retries=1 \
    --fetch-timeout=30000 >"$dst/npm-install.log" 2>&1; then
  touch "$stamp"
else
  rm -rf "$dst/node_modules"
  echo "WARNING: npm ci failed, node-mavlink is not installed:" \
    "see $dst/npm-install.log" >&2
fi
exit 0
