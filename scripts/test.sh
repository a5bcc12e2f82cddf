#!/usr/bin/env bash
# `npm test`: every check CI runs, in order; works on a fresh machine after `npm ci`.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium drives the browser tests (never a downloaded browser).
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: sudo apt-get install chromium" >&2
    exit 1
  fi
fi

echo "▶ typecheck"; npx tsc --noEmit -p .
echo "▶ model"; [ -f models/resnet50-imagenet.json ] || npm run -s model:build
echo "▶ small catalog"; npx tsx tests/helpers/build-small-catalog.ts
echo "▶ unit and API tests"; npx vitest run
echo "▶ browser tests"; npm run -s test:e2e
