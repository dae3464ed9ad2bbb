#!/usr/bin/env bash
# Times taking down an app of COMPONENTS x PER ConfigMaps on the Kubernetes testbed, side by side
# in one run, each way in a fresh namespace:
#   before   `nulecule stop bench -n NS --timeout 15m` with BEFORE_BIN (e.g. an AOT build of an older main), if given
#   after    the same with AFTER_BIN (default out/aot/nulecule)
#   kubectl  `kubectl delete -R -f DIR -n NS`, DIR = `nulecule template APP --output-dir DIR` (the same objects)
# Deploying (`nulecule run` with the same binary, `kubectl apply -R -f DIR`) and the namespaces
# are outside the clock. The timeout is raised so that a slow stop is measured rather than failed
# (the default is 2 min). One burst: RUNS defaults to 1; every way loads the testbed's garbage
# collector with COMPONENTS x PER deletions.
#
#   bench/kube-stop-compare.sh [RESULTS_DIR]
# Environment: COMPONENTS (default 10), PER (default 100), RUNS (default 1), BEFORE_BIN, AFTER_BIN,
#   KUBECONFIG (default the testbed's), KUBECTL (default /opt/nulecule-kube/bin/kubectl).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
results="${1:-$root/out/bench/kube-stop}"
components="${COMPONENTS:-10}" per="${PER:-100}" runs="${RUNS:-1}"
export KUBECONFIG="${KUBECONFIG:-/opt/nulecule-kube/admin.kubeconfig}"
kubectl="${KUBECTL:-/opt/nulecule-kube/bin/kubectl}"
after="${AFTER_BIN:-$root/out/aot/nulecule}"
before="${BEFORE_BIN:-}"
objects=$((components * per))
mkdir -p "$results"
samples="$results/stop-$objects.tsv"
rm -f "$samples"

"$kubectl" version --short >/dev/null 2>&1 || { echo "no cluster answers at $KUBECONFIG (see /work/shared/testbed/README.md)" >&2; exit 2; }
[ -x "$after" ] || { echo "no binary at $after (scripts/publish-aot.sh, or set AFTER_BIN)" >&2; exit 2; }

work="$(mktemp -d)"
app="$work/app" rendered="$work/rendered"
made="$work/namespaces"
drop_ns() { "$kubectl" delete namespace "$1" --wait=true --timeout=300s >/dev/null 2>&1 || true; }
trap 'if [ -f "$made" ]; then while read -r ns; do drop_ns "$ns"; done <"$made"; fi; rm -rf "$work"' EXIT
fresh_ns() { local ns="bench-stop-$1-$(date +%s%N | tail -c 7)"; "$kubectl" create namespace "$ns" >/dev/null; echo "$ns" >>"$made"; echo "$ns"; }

# The app: COMPONENTS components of PER ConfigMaps each, and the same objects rendered for kubectl.
mkdir -p "$app"
{
  printf 'specversion: 0.0.2\nid: bench-stop\nmetadata:\n  name: bench-stop\ngraph:\n'
  for ((i = 0; i < components; i++)); do
    c=$(printf 's%03d' "$i")
    mkdir -p "$app/artifacts/$c"
    printf '  - name: %s\n    artifacts:\n      kubernetes:\n' "$c"
    for ((j = 0; j < per; j++)); do
      printf '        - file://artifacts/%s/cm-%03d.yaml\n' "$c" "$j"
      printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-%03d\ndata:\n  index: "%d"\n' "$c" "$j" "$j" >"$app/artifacts/$c/cm-$(printf '%03d' "$j").yaml"
    done
  done
} >"$app/Nulecule"
"$after" template "$app" --provider kubernetes --output-dir "$rendered" -q
[ "$(find "$rendered" -type f | wc -l)" -eq "$objects" ] || { echo "rendered the wrong number of objects" >&2; exit 1; }

left() { "$kubectl" get configmaps -n "$1" -o name | grep -vc kube-root-ca.crt || true; }
ways=(after kubectl)
[ -n "$before" ] && ways=(before after kubectl)
for ((r = 1; r <= runs; r++)); do
  for way in "${ways[@]}"; do
    ns=$(fresh_ns "$way")
    case "$way" in
      before|after)
        bin="$after"; [ "$way" = before ] && bin="$before"
        "$bin" run "$app" --provider kubernetes -n "$ns" --name bench -q --timeout 10m
        [ "$(left "$ns")" -eq "$objects" ] || { echo "$way: deployed $(left "$ns") of $objects" >&2; exit 1; }
        time_once "$way stop" "$samples" "$bin" stop bench -n "$ns" --timeout 15m -q ;;
      kubectl)
        "$kubectl" apply -R -f "$rendered" -n "$ns" >/dev/null
        time_once "kubectl delete" "$samples" "$kubectl" delete -R -f "$rendered" -n "$ns" ;;
    esac
    [ "$(left "$ns")" -eq 0 ] || { echo "$way left $(left "$ns") ConfigMaps" >&2; exit 1; }
    drop_ns "$ns"
    echo "$way done ($objects ConfigMaps in $components components)" >&2
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $components components x $per ConfigMaps; runs: $runs"
echo
python3 bench/lib/summarize.py "$samples"
echo
k=$(median_ms "$samples" "kubectl delete")
for way in "${ways[@]}"; do
  [ "$way" = kubectl ] && continue
  awk -v w="$way" -v a="$(median_ms "$samples" "$way stop")" -v k="$k" 'BEGIN { printf "%s stop / kubectl delete: %.2f\n", w, a / k }'
done
