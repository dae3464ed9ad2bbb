#!/usr/bin/env bash
# Start-up of NativeAOT builds, side by side in one run: the short commands, each run RUNS times
# by each binary, the binaries alternating (bench/lib/startup_compare.py: wall time, minimum,
# peak RSS, CPU time; a failed run stops the script):
#   version     `nulecule version` (also asks the Docker engine and the cluster for their versions)
#   help        `nulecule --help`
#   template    `nulecule template APP --provider kubernetes` of a corpus app (CORPUS_APP)
#   validate    `nulecule validate APP` of the same app
#   status      `nulecule status bench -p kubernetes -n NS` of the 200-object release of
#               bench/kube-compare.sh (bench/lib/kube_app.sh), deployed once beforehand
#   run         `nulecule run APP --provider kubernetes -n NS --name bench -q` of that app,
#               unchanged (nothing is applied or recorded)
#   history     `nulecule history bench -n NS` of that release
#   list        `nulecule list -p kubernetes -n NS`
# Prints the medians, the minima, the ratios to the first binary and the binaries' sizes.
#
#   flock /tmp/kube-bench.lock bench/startup-aot.sh [RESULTS_DIR]
# Environment: BINS (default "main=out/aot-main/nulecule new=out/aot/nulecule": NAME=PATH pairs,
#   the first is the reference; publish them with scripts/publish-aot.sh OUTDIR), RUNS (default 20),
#   CORPUS_APP (default ../shared/corpus/flask-redis-centos7-atomicapp), KUBE (default 1; 0 leaves
#   out status and run), KUBECONFIG (default the testbed's), KUBECTL, COMPONENTS (default 40).
# The release history and the discovery cache are in a fresh directory shared by the binaries;
# with LOCAL_HISTORY=own each binary has a state directory of its own (the release's key copied
# into each), so a binary that never creates the local history is not handed one the other made.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/kube_app.sh
results="${1:-$root/out/bench/startup-aot}"
bins="${BINS:-main=out/aot-main/nulecule new=out/aot/nulecule}"
corpus="${CORPUS_APP:-$root/../shared/corpus/flask-redis-centos7-atomicapp}"
components="${COMPONENTS:-40}"
mkdir -p "$results"

pairs=()
for pair in $bins; do
  path="${pair#*=}"
  [ -x "$path" ] || { echo "missing $path: publish it first (scripts/publish-aot.sh OUTDIR)" >&2; exit 2; }
  pairs+=("${pair%%=*}=$(cd "$(dirname "$path")" && pwd)/$(basename "$path")")
done
first="${pairs[0]#*=}"

work="$(mktemp -d)"
ns=""
trap '[ -n "$ns" ] && "$kubectl" delete namespace "$ns" --wait=true --timeout=180s >/dev/null 2>&1; rm -rf "$work"' EXIT
export NULECULE_STATE_DIR="$work/state" NULECULE_CACHE_DIR="$work/cache"

commands=(-- version version -- help --help
  -- template template "$corpus" --provider kubernetes
  -- validate validate "$corpus")
if [ "${KUBE:-1}" != 0 ]; then
  kube_cluster_or_exit
  kube_bench_app "$work/app" "$components"
  ns="bench-start-$(date +%s%N | tail -c 7)"
  "$kubectl" create namespace "$ns" >/dev/null
  "$first" run "$work/app" --provider kubernetes -n "$ns" --name bench -q >/dev/null
  # status exits 3 (degraded) until the controllers have seen the new Deployments (a few seconds).
  for ((i = 0; i < 60; i++)); do
    "$first" status bench -p kubernetes -n "$ns" >/dev/null 2>&1 && break
    sleep 1
  done
  commands+=(-- status status bench -p kubernetes -n "$ns"
    -- run run "$work/app" --provider kubernetes -n "$ns" --name bench -q
    -- history history bench -n "$ns"
    -- list list -p kubernetes -n "$ns")
fi
if [ "${LOCAL_HISTORY:-shared}" = own ]; then
  for pair in "${pairs[@]}"; do
    mkdir -p "$work/states/${pair%%=*}"
    cp "$work/state/release.key" "$work/states/${pair%%=*}/" 2>/dev/null || true
  done
  export STATE_ROOT="$work/states"
fi

echo "start $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
python3 bench/lib/startup_compare.py "$results/startup-aot.tsv" "${pairs[@]}" "${commands[@]}" | tee "$results/summary.md"
echo "end $(date -u +%H:%M:%S) UTC"
if [ -n "$ns" ]; then
  # The unchanged runs recorded nothing: the release still has its one revision.
  revisions=$(NULECULE_STATE_DIR="$work/state" "$first" history bench -n "$ns" | tail -n +2 | grep -c . || true)
  [ "$revisions" -eq 1 ] || { echo "release bench has $revisions revisions, expected 1" >&2; exit 1; }
fi
