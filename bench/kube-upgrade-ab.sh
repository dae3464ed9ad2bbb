#!/usr/bin/env bash
# Changes to a deployed release, several ways interleaved: the 200-object app of
# bench/kube-compare.sh is deployed once per way (each in its own namespace, with its own state
# and discovery-cache directories, outside the clock); then each round every way, in an order
# rotated each round, runs
#   run      `nulecule run APP --provider kubernetes -n NS --name bench -q --set k000.greeting=VALUE`
#   upgrade  `nulecule upgrade bench -n NS -q --set k000.greeting=VALUE`
# with a VALUE new to that round, so each changes the two ConfigMaps of component k000 and leaves
# the other 198 objects alone (the preflight still lists the three kinds). Per way and verb: the
# median wall time and the median CPU time (user + system, /usr/bin/time) of the nulecule process,
# and the ratio to the first way. docs/benchmarks.md 3i.
#   flock /tmp/kube-bench.lock bench/kube-upgrade-ab.sh OUTDIR ROUNDS "LABEL|BIN" ...
# e.g. bench/kube-upgrade-ab.sh out/bench/up 8 "main|/tmp/kverbs-main-aot/nulecule" "branch|out/aot/nulecule"
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$1" rounds="$2"; shift 2
work="$(mktemp -d)"
. "$root/bench/lib/kube_app.sh"
. "$root/bench/lib/timing.sh"
kube_bench_app "$work/app" 40
ways=("$@"); n=${#ways[@]}
mkdir -p "$out"; : >"$out/samples.tsv"
made=()
trap 'for ns in "${made[@]}"; do "$kubectl" delete ns "$ns" --wait=true --timeout=180s >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT

declare -A nsof
for way in "${ways[@]}"; do
  IFS='|' read -r label bin <<<"$way"
  ns="up-$label-$(date +%s%N | tail -c 7)"; "$kubectl" create ns "$ns" >/dev/null; made+=("$ns"); nsof[$label]="$ns"
  NULECULE_STATE_DIR="$work/state-$label" NULECULE_CACHE_DIR="$work/cache-$label" \
    "$bin" run "$work/app" --provider kubernetes -n "$ns" --name bench -q >/dev/null
done

# timed LABEL VERB BIN ARG...: one sample, with the way's own state and cache directories
timed() {
  local label="$1" verb="$2" bin="$3"; shift 3
  time_cpu_once "$out/samples.tsv" "$label"$'\t'"$verb" \
    env NULECULE_STATE_DIR="$work/state-$label" NULECULE_CACHE_DIR="$work/cache-$label" "$bin" "$@"
}

echo "start $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for ((r = 0; r < rounds; r++)); do
  for ((j = 0; j < n; j++)); do
    IFS='|' read -r label bin <<<"${ways[$(((j + r) % n))]}"
    ns="${nsof[$label]}"
    timed "$label" run "$bin" run "$work/app" --provider kubernetes -n "$ns" --name bench -q --set "k000.greeting=run-$r"
    timed "$label" upgrade "$bin" upgrade bench -n "$ns" -q --set "k000.greeting=upgrade-$r"
  done
done
echo "end $(date -u +%H:%M:%S) UTC, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# Every way's release took every change: revision 1 plus two per round, k000's value the last one.
for way in "${ways[@]}"; do
  IFS='|' read -r label bin <<<"$way"
  got=$("$kubectl" -n "${nsof[$label]}" get configmap k000-a -o jsonpath='{.data.greeting}')
  [ "$got" = "upgrade-$((rounds - 1))" ] || { echo "$label: k000-a has greeting '$got', expected upgrade-$((rounds - 1))" >&2; exit 1; }
  revisions=$(NULECULE_STATE_DIR="$work/state-$label" "$bin" history bench -n "${nsof[$label]}" | tail -n +2 | grep -c . || true)
  [ "$revisions" -eq $((1 + 2 * rounds)) ] || { echo "$label: $revisions revisions, expected $((1 + 2 * rounds))" >&2; exit 1; }
done

python3 - "$out/samples.tsv" <<'PY'
import collections, statistics, sys
samples = collections.defaultdict(lambda: ([], []))
ways, verbs = [], []
for line in open(sys.argv[1]):
    label, verb, wall, cpu = line.rstrip("\n").split("\t")
    samples[(label, verb)][0].append(int(wall)); samples[(label, verb)][1].append(float(cpu))
    ways += [label] if label not in ways else []
    verbs += [verb] if verb not in verbs else []
print("| verb | way | runs | wall median ms (min-max) | CPU median ms | wall / first way | CPU / first way |")
print("|---|---|---:|---:|---:|---:|---:|")
for verb in verbs:
    first_wall = statistics.median(samples[(ways[0], verb)][0])
    first_cpu = statistics.median(samples[(ways[0], verb)][1])
    for label in ways:
        wall, cpu = samples[(label, verb)]
        print(f"| {verb} | {label} | {len(wall)} | {statistics.median(wall):.0f} ({min(wall)}-{max(wall)}) | {statistics.median(cpu):.0f}"
              f" | **{statistics.median(wall) / first_wall:.2f}** | {statistics.median(cpu) / first_cpu:.2f} |")
PY
