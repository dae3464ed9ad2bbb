#!/usr/bin/env bash
# Rendering, before and after: builds a baseline commit's NativeAOT binary from a clean export of
# that commit (in a temporary directory; nothing in this checkout changes), and times it side by
# side with this checkout's NativeAOT binary on synthetic apps of 10/100/1000 components:
# `template` and `validate`, median of RUNS interleaved runs, peak RSS, and the ratios
# (new/base, growth from size to size, validate/template).
#
#   bench/render-compare.sh [RESULTS_DIR]
# Environment:
#   BASE       baseline commit (default: the merge-base of HEAD and main)
#   BASE_BIN   a baseline binary to use instead of building one
#   NEW_BIN    the binary to compare (default out/aot/nulecule; published by scripts/publish-aot.sh if missing)
#   RUNS (default 10), SIZES (default "10 100 1000")
#   BUILD_LOCK a file to flock around each build (default /tmp/nulecule-build.lock when it exists:
#              builds on a shared machine queue there; the timed runs do not hold it)
# Baseline binaries are kept in out/bench/baseline-COMMIT/ and reused.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
results="${1:-$root/out/bench/render}"
runs="${RUNS:-10}" sizes="${SIZES:-10 100 1000}"
lock="${BUILD_LOCK:-/tmp/nulecule-build.lock}"
locked() { if [ -e "$lock" ]; then flock "$lock" "$@"; else "$@"; fi; }
mkdir -p "$results"

new="${NEW_BIN:-$root/out/aot/nulecule}"
if [ ! -x "$new" ]; then locked scripts/publish-aot.sh out/aot >&2; fi

if [ -n "${BASE_BIN:-}" ]; then
  base="$BASE_BIN"
  base_name="$BASE_BIN"
else
  commit="$(git rev-parse --verify "${BASE:-$(git merge-base HEAD main)}^{commit}")"
  base_name="${commit:0:12}"
  keep="$root/out/bench/baseline-$base_name"
  base="$keep/nulecule"
  if [ ! -x "$base" ]; then
    src="$(mktemp -d)"
    trap 'rm -rf "$src"' EXIT
    echo "building the baseline $base_name in $src (NativeAOT, a few minutes)" >&2
    git archive "$commit" | tar -x -C "$src"
    locked bash -c 'cd "$1" && scripts/publish-aot.sh "$2"' _ "$src" "$keep" >&2
  fi
fi

apps="$(mktemp -d)"
trap 'rm -rf "$apps" ${src:+"$src"}' EXIT
for n in $sizes; do python3 bench/gen-synthetic.py "$n" "$apps/app-$n"; done

{
  echo "base: $base_name ($base)"
  echo "new:  $(git rev-parse --short=12 HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes') ($new)"
  # shellcheck disable=SC2086 # sizes is a word list
  python3 bench/lib/render_compare.py "$base" "$new" "$apps" "$runs" $sizes
} | tee "$results/summary.md"
