#!/usr/bin/env bash
# Times taking down an app of COMPONENTS x PER ConfigMaps on the Kubernetes testbed, side by side
# in one run, each way in a fresh namespace. With APP=mixed every component also has a one-pod
# Deployment (its container exits 2 s after SIGTERM) and a headless Service, the pods are running
# before the clock starts, and the pods still there when each way returns are counted: `stop`
# returns when they are gone, `kubectl delete` (background cascade) before.
#   before   `nulecule stop bench -n NS --timeout 15m` with BEFORE_BIN (e.g. an AOT build of an older main), if given
#   after    the same with AFTER_BIN (default out/aot/nulecule)
#   kubectl  `kubectl delete -R -f DIR -n NS`, DIR = `nulecule template APP --output-dir DIR` (the same objects)
# Deploying (`nulecule run` with the same binary, `kubectl apply -R -f DIR`) and the namespaces
# are outside the clock. The timeout is raised so that a slow stop is measured rather than failed
# (the default is 2 min). One burst: RUNS defaults to 1; every way loads the testbed's garbage
# collector with COMPONENTS x PER deletions.
#
#   bench/kube-stop-compare.sh [RESULTS_DIR]
# Environment: COMPONENTS (default 10), PER (default 100), RUNS (default 1), APP (configmaps or
#   mixed; default configmaps), BEFORE_BIN, AFTER_BIN, WAYS (default "before after kubectl", before
#   only with BEFORE_BIN), KUBECONFIG (default the testbed's), KUBECTL
#   (default /opt/nulecule-kube/bin/kubectl).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
results="${1:-$root/out/bench/kube-stop}"
components="${COMPONENTS:-10}" per="${PER:-100}" runs="${RUNS:-1}" kind="${APP:-configmaps}"
case "$kind" in configmaps|mixed) ;; *) echo "APP must be configmaps or mixed, not '$kind'" >&2; exit 2 ;; esac
. bench/lib/kube_app.sh
after="${AFTER_BIN:-$root/out/aot/nulecule}"
before="${BEFORE_BIN:-}"
objects=$((components * per)) workloads=0
[ "$kind" = mixed ] && workloads=$components
mkdir -p "$results"
samples="$results/stop-$kind-$objects.tsv" podsleft="$results/pods-left-$kind-$objects.tsv"
rm -f "$samples" "$podsleft"

kube_cluster_or_exit
[ -x "$after" ] || { echo "no binary at $after (scripts/publish-aot.sh, or set AFTER_BIN)" >&2; exit 2; }

work="$(mktemp -d)"
app="$work/app" rendered="$work/rendered"
made="$work/namespaces"
drop_ns() { "$kubectl" delete namespace "$1" --wait=true --timeout=300s >/dev/null 2>&1 || true; }
trap 'if [ -f "$made" ]; then while read -r ns; do drop_ns "$ns"; done <"$made"; fi; rm -rf "$work"' EXIT
fresh_ns() { local ns="bench-stop-$1-$(date +%s%N | tail -c 7)"; "$kubectl" create namespace "$ns" >/dev/null; echo "$ns" >>"$made"; echo "$ns"; }

# The app: COMPONENTS components of PER ConfigMaps each (mixed: and a Deployment and a Service),
# and the same objects rendered for kubectl.
mixed_objects() { # DIR COMPONENT
  printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\nspec:\n  clusterIP: None\n  selector:\n    app: %s\n  ports:\n    - port: 80\n' "$2" "$2" >"$1/svc.yaml"
  cat >"$1/deploy.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $2
spec:
  replicas: 1
  selector:
    matchLabels:
      app: $2
  template:
    metadata:
      labels:
        app: $2
    spec:
      terminationGracePeriodSeconds: 10
      containers:
        - name: main
          image: local/busybox:latest
          imagePullPolicy: Never
          command: ["sh", "-c", "trap 'sleep 2; exit 0' TERM; while sleep 1; do :; done"]
YAML
}
mkdir -p "$app"
{
  printf 'specversion: 0.0.2\nid: bench-stop\nmetadata:\n  name: bench-stop\ngraph:\n'
  for ((i = 0; i < components; i++)); do
    c=$(printf 's%03d' "$i")
    mkdir -p "$app/artifacts/$c"
    printf '  - name: %s\n    artifacts:\n      kubernetes:\n' "$c"
    if [ "$kind" = mixed ]; then
      mixed_objects "$app/artifacts/$c" "$c"
      printf '        - file://artifacts/%s/deploy.yaml\n        - file://artifacts/%s/svc.yaml\n' "$c" "$c"
    fi
    for ((j = 0; j < per; j++)); do
      printf '        - file://artifacts/%s/cm-%03d.yaml\n' "$c" "$j"
      printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-%03d\ndata:\n  index: "%d"\n' "$c" "$j" "$j" >"$app/artifacts/$c/cm-$(printf '%03d' "$j").yaml"
    done
  done
} >"$app/Nulecule"
"$after" template "$app" --provider kubernetes --output-dir "$rendered" -q
[ "$(find "$rendered" -type f | wc -l)" -eq $((objects + 2 * workloads)) ] || { echo "rendered the wrong number of objects" >&2; exit 1; }

left() { "$kubectl" get configmaps -n "$1" -o name | grep -vc kube-root-ca.crt || true; }
pods() { "$kubectl" get pods -n "$1" -o name | wc -l; }
# Every Deployment's pod running (and ready), so that a stop has pods to wait for.
running() {
  [ "$workloads" -eq 0 ] && return 0
  "$kubectl" wait deployments --all -n "$1" --for=condition=Available --timeout=300s >/dev/null
  [ "$("$kubectl" get pods -n "$1" --field-selector=status.phase=Running -o name | wc -l)" -eq "$workloads" ] || { echo "$1: not every pod runs" >&2; exit 1; }
}
ways=(after kubectl)
[ -n "$before" ] && ways=(before after kubectl)
# WAYS="after" times only those (e.g. a check that nothing regressed without loading the testbed with kubectl's run).
[ -n "${WAYS:-}" ] && read -r -a ways <<<"$WAYS"
for ((r = 1; r <= runs; r++)); do
  for way in "${ways[@]}"; do
    ns=$(fresh_ns "$way")
    case "$way" in
      before|after)
        bin="$after"; [ "$way" = before ] && bin="$before"
        "$bin" run "$app" --provider kubernetes -n "$ns" --name bench -q --timeout 10m >/dev/null
        [ "$(left "$ns")" -eq "$objects" ] || { echo "$way: deployed $(left "$ns") of $objects" >&2; exit 1; }
        running "$ns"
        time_once "$way stop" "$samples" "$bin" stop bench -n "$ns" --timeout 15m -q ;;
      kubectl)
        "$kubectl" apply -R -f "$rendered" -n "$ns" >/dev/null
        running "$ns"
        time_once "kubectl delete" "$samples" "$kubectl" delete -R -f "$rendered" -n "$ns" ;;
    esac
    printf '%s\t%s\n' "$way" "$(pods "$ns")" >>"$podsleft"
    [ "$(left "$ns")" -eq 0 ] || { echo "$way left $(left "$ns") ConfigMaps" >&2; exit 1; }
    drop_ns "$ns"
    echo "$way done ($objects ConfigMaps$([ "$kind" = mixed ] && echo " and $workloads Deployments and Services") in $components components)" >&2
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $components components x $per ConfigMaps$([ "$kind" = mixed ] && echo " + 1 Deployment (1 pod) + 1 Service"); runs: $runs"
if [ "$workloads" -gt 0 ]; then
  echo "pods still there when each way returned (of $workloads):"
  awk -F'\t' '{ printf "  %s: %s\n", $1, $2 }' "$podsleft"
fi
echo
python3 bench/lib/summarize.py "$samples"
echo
[[ " ${ways[*]} " == *" kubectl "* ]] || exit 0
k=$(median_ms "$samples" "kubectl delete")
for way in "${ways[@]}"; do
  [ "$way" = kubectl ] && continue
  awk -v w="$way" -v a="$(median_ms "$samples" "$way stop")" -v k="$k" 'BEGIN { printf "%s stop / kubectl delete: %.2f\n", w, a / k }'
done
