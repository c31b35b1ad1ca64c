#!/usr/bin/env bash
# The whole suite: the engine's C++ tests (no Node involved), then vitest.
# Extra arguments go to vitest, e.g. `bash scripts/test.sh test/lease`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PPBENCH_SHARED_DIR="${PPBENCH_SHARED_DIR:-$(cd .. && pwd)/shared}"
if [ ! -d "$PPBENCH_SHARED_DIR/fixtures" ]; then
  echo "shared data not found at $PPBENCH_SHARED_DIR: set PPBENCH_SHARED_DIR to the folder holding fixtures/ and spec/" >&2
  exit 1
fi
if [ $# -eq 0 ]; then
  echo "== type check of src, tests and scripts (tsconfig.test.json)"
  npx tsc -p tsconfig.test.json
  echo "== engine C++ tests (build/Release/engine-tests)"
  ./build/Release/engine-tests
fi
echo "== vitest"
npx vitest run "$@"
