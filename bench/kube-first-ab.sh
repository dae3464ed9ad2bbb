#!/usr/bin/env bash
# First applies of the 200-object app of bench/kube-compare.sh, several ways interleaved (the order
# rotated each round), each into a fresh namespace; per way the median wall time and the median CPU
# time (user + system, /usr/bin/time) of the nulecule process. docs/benchmarks.md 3h.
#   bench/kube-first-ab.sh OUTDIR ROUNDS "LABEL|ENV|BIN" ...    (ENV: NAME=VALUE ..., at least one)
# e.g. bench/kube-first-ab.sh out/bench/ab 8 "main|X=1|out/aot-main/nulecule" "branch|X=1|out/aot/nulecule"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1" rounds="$2"; shift 2
work="$(mktemp -d)"
export NULECULE_STATE_DIR="$work/state"
. "$root/bench/lib/kube_app.sh"
. "$root/bench/lib/timing.sh"
kube_bench_app "$work/app" 40
ways=("$@"); n=${#ways[@]}
mkdir -p "$out"; : >"$out/samples.tsv"
made=()
trap 'for ns in "${made[@]}"; do "$kubectl" delete ns "$ns" --wait=true --timeout=180s >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
for ((r = 0; r < rounds; r++)); do
  for ((j = 0; j < n; j++)); do
    IFS='|' read -r label envs bin <<<"${ways[$(((j + r) % n))]}"
    ns="ab-$(date +%s%N | tail -c 7)"; "$kubectl" create ns "$ns" >/dev/null; made+=("$ns")
    # shellcheck disable=SC2086 # ENV is a list of NAME=VALUE words
    time_cpu_once "$out/samples.tsv" "$label" env $envs "$bin" run "$work/app" --provider kubernetes -n "$ns" --name bench -q
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$out/samples.tsv" <<'PY'
import collections, statistics, sys
ways = collections.defaultdict(lambda: ([], []))
for line in open(sys.argv[1]):
    label, wall, cpu = line.rstrip("\n").split("\t")
    ways[label][0].append(int(wall)); ways[label][1].append(float(cpu))
first = None
for label, (wall, cpu) in ways.items():
    first = first or statistics.median(wall)
    print(f"{label:24s} n={len(wall):2d} wall median {statistics.median(wall):6.0f} ms (min {min(wall)}, max {max(wall)})"
          f"  CPU median {statistics.median(cpu):5.0f} ms  wall / first way {statistics.median(wall) / first:.2f}")
PY
