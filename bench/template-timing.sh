#!/usr/bin/env bash
# Whole-process timing of `nulecule template` (output to /dev/null) on synthetic apps of
# 10/100/1000 components, for the framework-dependent Release build and the NativeAOT binary,
# plus cold start (`nulecule --version`). Uses hyperfine when installed, else a date +%s%N loop.
#
#   bench/template-timing.sh [RESULTS_DIR]
# Environment: RUNS (default 10), WARMUP (default 2), SIZES (default "10 100 1000"),
#   JIT_BIN (default src/Nulecule.Cli/bin/Release/net10.0/nulecule; built if missing),
#   AOT_BIN (default out/aot/nulecule; skipped with a note if missing: see scripts/publish-aot.sh).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
results="${1:-$root/out/bench/template}"
runs="${RUNS:-10}" warmup="${WARMUP:-2}" sizes="${SIZES:-10 100 1000}"
jit="${JIT_BIN:-$root/src/Nulecule.Cli/bin/Release/net10.0/nulecule}"
aot="${AOT_BIN:-$root/out/aot/nulecule}"
mkdir -p "$results"
rm -f "$results"/*.json "$results"/*.tsv

if [ ! -x "$jit" ]; then dotnet build -c Release src/Nulecule.Cli >&2; fi
bins=("jit=$jit")
if [ -x "$aot" ]; then bins+=("aot=$aot"); else echo "note: no NativeAOT binary at $aot (run scripts/publish-aot.sh); timing the JIT build only" >&2; fi

apps="$(mktemp -d)"
trap 'rm -rf "$apps"' EXIT
for n in $sizes; do python3 bench/gen-synthetic.py "$n" "$apps/app-$n"; done

# Every command must succeed before it is timed.
for b in "${bins[@]}"; do
  for n in $sizes; do "${b#*=}" template "$apps/app-$n" >/dev/null; done
done

bench() { # bench FILE_STEM NAME=COMMAND...
  local stem="$1"; shift
  if command -v hyperfine >/dev/null 2>&1; then
    local args=()
    for nc in "$@"; do args+=(-n "${nc%%=*}" "${nc#*=}"); done
    hyperfine -N --warmup "$warmup" --runs "$runs" --style basic --export-json "$results/$stem.json" "${args[@]}" >&2
  else
    for nc in "$@"; do
      local name="${nc%%=*}" cmd="${nc#*=}"
      for ((i = 0; i < warmup; i++)); do $cmd >/dev/null 2>&1; done
      # shellcheck disable=SC2086 # the command is a plain word list
      for ((i = 0; i < runs; i++)); do time_once "$name" "$results/$stem.tsv" $cmd; done
    done
  fi
}

cold=()
for b in "${bins[@]}"; do cold+=("${b%%=*} --version=${b#*=} --version"); done
bench 0-cold-start "${cold[@]}"
for n in $sizes; do
  cmds=()
  for b in "${bins[@]}"; do cmds+=("${b%%=*} template $n=${b#*=} template $apps/app-$n"); done
  bench "1-template-$n" "${cmds[@]}"
done

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; runs=$runs warmup=$warmup"
shopt -s nullglob
python3 bench/lib/summarize.py "$results"/*.json "$results"/*.tsv
