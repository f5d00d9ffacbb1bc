#!/usr/bin/env bash
# Runs every benchmark in tests/bench (bench_*.sh) against one lever binary and prints one table of
# medians and ratios against each benchmark's named baseline. Not part of the test suite: the
# machines are shared and noisy, so numbers come from here, never from timed tests.
# Usage: tests/bench/run_all.sh [path/to/lever]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
LEVER=$(readlink -f "${1:-${LEVER:-build/lever}}")
export LEVER
first=1
for b in "$here"/bench_*.sh; do
  out=$(bash "$b" "$LEVER")
  if [ $first -eq 1 ]; then head -1 <<<"$out"; first=0; fi
  tail -n +2 <<<"$out"
done
