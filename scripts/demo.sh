#!/usr/bin/env bash
# Sets up and builds OpLens, writes the demo oplogs of two servers ending now, and opens them in the console.
# Without a display it prints what the console's Notifications pane would show.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
demo=build/demo
build/app/oplens-demo --out "$demo" >/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  exec build/app/oplens "$demo"/*.jsonl
fi
echo "No display: the console cannot open a window here. Its Notifications pane would show:"
echo
build/app/oplens --notifications "$demo"/*.jsonl
echo
echo "With a display, run: build/app/oplens $demo/*.jsonl"
