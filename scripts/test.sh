#!/usr/bin/env bash
# Sets up, builds and runs every test; then the engine's tests again under AddressSanitizer and UBSan.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
scripts/build.sh
(cd build && ctest --output-on-failure -j 2)

scripts/build.sh --sanitize
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j 2 -L engine)

scripts/fuzz.sh --repeatable # each fuzz target a fixed number of inputs from a fixed seed (about a minute), in build-fuzz/
