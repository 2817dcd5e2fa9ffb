#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang-14 under ASan and UBSan (a configuration of its own, the
# engine libraries and the targets only, no GUI) and runs each for a bounded time from its seed corpus
# (tests/fuzz/corpus/TARGET). New inputs are kept in BUILD/corpus/TARGET for the next run; a crash, a sanitizer
# report or a trap stops the script with the input saved as BUILD/findings/TARGET/crash-… (README, "Fuzzing").
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]   SECONDS per target, default 60; targets default to all of them.
#   scripts/fuzz.sh --repeatable            what scripts/test.sh runs: each target a fixed number of inputs (about a
#                                           minute here) from a fixed seed and its seed corpus only, so that the same
#                                           tree always gives the same verdict; exploring is for the timed runs
#   OPLENS_FUZZ_BUILD=DIR                   the build folder, default build-fuzz
set -euo pipefail
cd "$(dirname "$0")/.."

repeatable=0
if [[ ${1:-} == --repeatable ]]; then
  repeatable=1
  shift
fi
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
targets=("$@")
build=${OPLENS_FUZZ_BUILD:-build-fuzz}

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DOPLENS_FUZZ=ON -DOPLENS_GUI=OFF -DOPLENS_TESTS=OFF "${launcher[@]}" >/dev/null
# Every target tests/fuzz configured (fuzz_restartbody only once the agent has app/agent/requestbody.cpp).
[[ ${#targets[@]} -gt 0 ]] ||
  mapfile -t targets < <(cmake --build "$build" --target help | sed -n 's/^\(fuzz_[a-z_]*\): phony$/\1/p' | grep -v _autogen | sort)
cmake --build "$build" -j 2 --target "${targets[@]}"

# Inputs per target in a repeatable run: about a minute each on this project's 2-core machines.
repeatable_runs() {
  case $1 in
    fuzz_oplog) echo 200000 ;;
    fuzz_agentconfig) echo 900000 ;;
    *) echo 3000000 ;;
  esac
}

for target in "${targets[@]}"; do
  mkdir -p "$build/corpus/$target" "$build/findings/$target"
  log="$build/findings/$target/last-run.log"
  if [[ $repeatable -eq 1 ]]; then
    corpus=$(mktemp -d) # new inputs are not kept: the next run starts where this one did
    budget=(-seed=1 -runs="$(repeatable_runs "$target")")
    echo "== $target: ${budget[*]}"
  else
    corpus="$build/corpus/$target"
    budget=(-max_total_time="$seconds")
    echo "== $target: ${seconds} s"
  fi
  seeds=("tests/fuzz/corpus/$target")
  [[ $target == fuzz_oplog ]] && seeds+=(tests/data/fuzzfindings) # what fuzzing found before, read again first
  status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    "$build/tests/fuzz/$target" "${budget[@]}" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$build/findings/$target/" "$corpus" "${seeds[@]}" >"$log" 2>&1 ||
    status=$?
  [[ $repeatable -eq 1 ]] && rm -rf "$corpus"
  grep -E '^(INFO: seed corpus|#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)|ERROR|SUMMARY|runtime error|Test unit written' "$log" || true
  if [[ $status -ne 0 ]]; then
    echo "fuzz.sh: $target found a problem (exit $status); the input is in $build/findings/$target/, the log in $log" >&2
    exit 1
  fi
done
