# The Kubernetes benchmarks' cluster and app (sourced by the bench/kube-*.sh scripts and bench/startup-aot.sh).

# The cluster: the testbed's unless KUBECONFIG / KUBECTL name another.
export KUBECONFIG="${KUBECONFIG:-/opt/nulecule-kube/admin.kubeconfig}"
kubectl="${KUBECTL:-/opt/nulecule-kube/bin/kubectl}"

# kube_cluster_or_exit: exits 2, saying where to look, when no cluster answers at $KUBECONFIG.
kube_cluster_or_exit() {
  "$kubectl" version --short >/dev/null 2>&1 || { echo "no cluster answers at $KUBECONFIG (see /work/shared/testbed/README.md)" >&2; exit 2; }
}

# kube_bench_app DIR COMPONENTS: writes into DIR (emptied first) an app of COMPONENTS components,
# each 2 ConfigMaps, 2 headless Services and 1 Deployment with replicas 0 (5 objects; nothing
# runs). Headless, because the testbed's service range holds 254 addresses.
kube_bench_app() {
  local app="$1" components="$2" i c x f
  rm -rf "$app"
  mkdir -p "$app"
  {
    printf 'specversion: 0.0.2\nid: bench-kube\nmetadata:\n  name: bench-kube\ngraph:\n'
    for ((i = 0; i < components; i++)); do
      c=$(printf 'k%03d' "$i")
      mkdir -p "$app/artifacts/$c"
      printf '  - name: %s\n    params:\n      - name: greeting\n        default: hello-%s\n    artifacts:\n      kubernetes:\n' "$c" "$c"
      for f in cm-a cm-b svc-a svc-b deploy; do printf '        - file://artifacts/%s/%s.yaml\n' "$c" "$f"; done
      for x in a b; do
        printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s-%s\ndata:\n  greeting: $greeting\n  index: "%d"\n' "$c" "$x" "$i" >"$app/artifacts/$c/cm-$x.yaml"
        printf 'apiVersion: v1\nkind: Service\nmetadata:\n  name: %s-%s\nspec:\n  clusterIP: None\n  selector:\n    app: %s\n  ports:\n    - port: 80\n      targetPort: 8080\n' "$c" "$x" "$c" >"$app/artifacts/$c/svc-$x.yaml"
      done
      cat >"$app/artifacts/$c/deploy.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: $c
spec:
  replicas: 0
  selector:
    matchLabels: {app: $c}
  template:
    metadata:
      labels: {app: $c}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: main
          image: local/busybox:latest
          imagePullPolicy: Never
          command: ["sleep", "3600"]
YAML
    done
  } >"$app/Nulecule"
}
