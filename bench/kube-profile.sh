#!/usr/bin/env bash
# Profiles the whole machine (`perf record -a -g`) during N first applies of the 200-object app of
# bench/kube-compare.sh by BIN, each into a fresh namespace (created before and deleted after the
# recording); prints each apply's wall time. docs/benchmarks.md 3h.
#   bench/kube-profile.sh BIN OUTDIR [N]      (FREQ: samples a second per CPU, default 1999)
# Then, e.g.: perf report -i OUTDIR/perf.data --no-children --sort comm -g none --stdio
#   perf script -i OUTDIR/perf.data --comms kube-apiserver -F ip | (cd bench/lib/gosymtop && go run . /opt/nulecule-kube/bin/kube-apiserver 60)
# (the testbed's Go: /usr/lib/go-1.19/bin/go; FOCUS=NAME counts only the samples whose stack names NAME)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$1" out="$2" n="${3:-8}"
work="$(mktemp -d)"
export NULECULE_STATE_DIR="$work/state"
. "$root/bench/lib/kube_app.sh"
kube_bench_app "$work/app" 40
mkdir -p "$out"
nss=()
trap 'for ns in "${nss[@]}"; do "$kubectl" delete ns "$ns" --wait=true --timeout=180s >/dev/null 2>&1 || true; done; rm -rf "$work"' EXIT
for ((i = 0; i < n; i++)); do ns="prof-$(date +%s%N | tail -c 7)"; "$kubectl" create ns "$ns" >/dev/null; nss+=("$ns"); done
# Discovery kept on disk first, as in the benchmark's runs.
"$bin" run "$work/app" --provider kubernetes -n "${nss[0]}" --name warm -q --dry-run >/dev/null 2>&1 || true
perf record -a -g -F "${FREQ:-1999}" -o "$out/perf.data" -- bash -c '
  for ns in '"${nss[*]}"'; do
    s=$(date +%s%N); "$0" run "$1/app" --provider kubernetes -n "$ns" --name bench -q >/dev/null; e=$(date +%s%N)
    echo "first apply $ns: $(( (e - s) / 1000000 )) ms"
  done' "$bin" "$work" 2>"$out/perf.log"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
