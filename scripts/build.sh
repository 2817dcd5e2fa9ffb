#!/usr/bin/env bash
# Configures and builds OpLens into build/ (or build-asan/ with --sanitize: the engine under ASan and UBSan).
set -euo pipefail
cd "$(dirname "$0")/.."

dir=build
flags=()
if [ "${1:-}" = "--sanitize" ]; then
  dir=build-asan
  flags=(-DOPLENS_SANITIZE=ON -DOPLENS_GUI=OFF)
fi
[ -f "$dir/build.ninja" ] || cmake -S . -B "$dir" -G Ninja "${flags[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
