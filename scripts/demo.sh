#!/usr/bin/env bash
# Sets up and builds OpLens, writes the demo oplogs of two servers ending now, and shows them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
demo=build/demo
build/app/oplens-demo --out "$demo" >/dev/null
echo "Demo oplogs of two servers: $demo"
echo
echo "== Unfinished operations (oplensctl get-unfinished-operation-log) =="
build/app/oplensctl get-unfinished-operation-log "$demo"/*.jsonl
