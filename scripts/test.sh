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

# The tests that read product photos use the shared data set when it is there (DATASET_DIR,
# default ../shared/datasets/fashion-product-images-small: our CI, exactly as before). Where it
# is not (a stock GitHub runner, a fresh laptop), they use a generated stand-in with the same
# columns and defect rows, the same tests run on it; the run says which data set it used.
dataset="${DATASET_DIR:-../shared/datasets/fashion-product-images-small}"
if [ -f "$dataset/images.tar" ] && [ -f "$dataset/styles.csv" ]; then
  echo "▶ data set: REAL, the shared data set in $dataset"
else
  export DATASET_DIR="$PWD/tmp/synthetic-dataset"
  echo "▶ data set: GENERATED stand-in (no data set in $dataset): coloured product shapes and the real defect rows in $DATASET_DIR"
  npx tsx tests/helpers/make-synthetic-dataset.ts "$DATASET_DIR"
fi

echo "▶ typecheck"; npx tsc --noEmit -p .
echo "▶ model"; [ -f models/resnet50-imagenet.json ] || npm run -s model:build
echo "▶ small catalog"; npx tsx tests/helpers/build-small-catalog.ts
echo "▶ unit and API tests"; npx vitest run
echo "▶ browser tests"; npm run -s test:e2e
