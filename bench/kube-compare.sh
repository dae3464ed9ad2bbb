#!/usr/bin/env bash
# Applies an app of M objects (per component 2 ConfigMaps, 2 headless Services, 1 Deployment with
# replicas 0, so nothing runs; headless, because the testbed's service range holds 254 addresses)
# to the Kubernetes testbed several ways, side by side in one run,
# each way into a fresh namespace:
#   nulecule      `nulecule run APP --provider kubernetes -n NS --name R` (JIT Release build)
#   nulecule-aot  the same with the NativeAOT binary (scripts/publish-aot.sh; left out if absent)
#   kubectl       `kubectl apply -R -f DIR -n NS`, DIR = `nulecule template APP --output-dir DIR` (the same objects)
# and times both the first run (creates everything) and a second, identical run (nothing changes),
# for each size of the sweep; prints per size the medians and the ratios of medians to kubectl.
# Namespaces are created and deleted outside the clock.
#
#   bench/kube-compare.sh [RESULTS_DIR]
# Environment: SIZES (components; default "10 40 120", i.e. 50, 200 and 600 objects; the issue's
#   sweep is "10 40 200", up to 1,000 objects, which deploy since release records are compressed,
#   docs/benchmarks.md 3f; COMPONENTS is the one-size form), RUNS (default 3), KUBECONFIG (default the testbed's), KUBECTL (default
#   /opt/nulecule-kube/bin/kubectl), NULECULE_BIN, AOT_BIN (timed too if present).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
. bench/lib/kube_app.sh
results="${1:-$root/out/bench/kube}"
sizes="${SIZES:-${COMPONENTS:-10 40 120}}" runs="${RUNS:-3}"
jit="${NULECULE_BIN:-$root/src/Nulecule.Cli/bin/Release/net10.0/nulecule}"
aot="${AOT_BIN:-$root/out/aot/nulecule}"
mkdir -p "$results"

kube_cluster_or_exit
[ -x "$jit" ] || dotnet build -c Release src/Nulecule.Cli >&2

work="$(mktemp -d)"
app="$work/app" rendered="$work/rendered"

# The app of $components components (bench/lib/kube_app.sh), and the same objects rendered for kubectl.
generate() {
  rm -rf "$rendered"
  kube_bench_app "$app" "$components"
  "$jit" template "$app" --provider kubernetes --output-dir "$rendered" -q
  files=$(find "$rendered" -type f | wc -l)
  [ "$files" -eq "$objects" ] || { echo "rendered $files files, expected $objects" >&2; exit 1; }
}

# fresh_ns runs in a command substitution (a subshell): the names it makes go to a file, so the
# exit trap can drop whatever a failed run left behind.
made="$work/namespaces"
fresh_ns() { local ns="bench-$1-$(date +%s%N | tail -c 7)"; "$kubectl" create namespace "$ns" >/dev/null; echo "$ns" >>"$made"; echo "$ns"; }
drop_ns() { "$kubectl" delete namespace "$1" --wait=true --timeout=180s >/dev/null 2>&1 || true; }
trap 'if [ -f "$made" ]; then while read -r ns; do drop_ns "$ns"; done <"$made"; fi; rm -rf "$work"' EXIT

count_objects() { # count_objects NS: ConfigMaps (minus kube-root-ca.crt) + Services + Deployments
  local cms svcs deps
  cms=$("$kubectl" get configmaps -n "$1" -o name | grep -vc kube-root-ca.crt || true)
  svcs=$("$kubectl" get services -n "$1" -o name | wc -l)
  deps=$("$kubectl" get deployments -n "$1" -o name | wc -l)
  echo $((cms + svcs + deps))
}
check() {
  local got; got=$(count_objects "$1")
  [ "$got" -eq "$objects" ] || { echo "namespace $1 holds $got of $objects objects" >&2; exit 1; }
}

ways=(nulecule kubectl)
[ -x "$aot" ] && ways=(nulecule nulecule-aot kubectl)
for components in $sizes; do
  objects=$((components * 5))
  samples="$results/kube-$objects.tsv"
  rm -f "$samples"
  generate
  for ((r = 1; r <= runs; r++)); do
    # Rotate the order each round so no way always runs first.
    for ((k = 0; k < ${#ways[@]}; k++)); do
      way="${ways[$(((k + r) % ${#ways[@]}))]}"
      ns=$(fresh_ns "$way")
      for pass in first second; do
        case "$way" in
          nulecule)     time_once "$way $pass" "$samples" "$jit" run "$app" --provider kubernetes -n "$ns" --name bench -q ;;
          nulecule-aot) time_once "$way $pass" "$samples" "$aot" run "$app" --provider kubernetes -n "$ns" --name bench -q ;;
          kubectl)      time_once "$way $pass" "$samples" "$kubectl" apply -R -f "$rendered" -n "$ns" ;;
        esac
        check "$ns"
      done
      drop_ns "$ns"
    done
    echo "$objects objects: round $r/$runs done" >&2
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; components: $sizes; runs: $runs"
for components in $sizes; do
  objects=$((components * 5))
  samples="$results/kube-$objects.tsv"
  echo
  echo "### $objects objects"
  echo
  python3 bench/lib/summarize.py "$samples"
done
echo
echo "| ratio of medians (to kubectl) | objects | first run | second run |"
echo "|---|---:|---:|---:|"
for components in $sizes; do
  objects=$((components * 5))
  samples="$results/kube-$objects.tsv"
  for way in "${ways[@]}"; do
    [ "$way" = kubectl ] && continue
    awk -v w="$way" -v n="$objects" -v a1="$(median_ms "$samples" "$way first")" -v k1="$(median_ms "$samples" "kubectl first")" \
        -v a2="$(median_ms "$samples" "$way second")" -v k2="$(median_ms "$samples" "kubectl second")" \
        'BEGIN { printf "| %s | %d | %.2f | %.2f |\n", w, n, a1 / k1, a2 / k2 }'
  done
done
