#!/usr/bin/env bash
# Start-up of the JIT (framework-dependent) build with and without ReadyToRun, side by side in one
# run: each command is run RUNS times by each build, the builds alternating, wall clock from
# `date +%s%N` around the whole process (stdout and stderr to a file; a failed run stops the script).
#   help      `nulecule --help`
#   version   `nulecule version` (also asks the Docker engine and the cluster for their versions)
#   template  `nulecule template APP --provider kubernetes` of a 40-component app (200 objects):
#             start-up plus the rendering code's first (JIT-compiled) use
# Prints the medians and the ratio ReadyToRun / plain for each command.
#
#   bench/startup-r2r.sh [RESULTS_DIR]
# Environment: RUNS (default 20), PLAIN_BIN (default the `dotnet build -c Release` output),
#   R2R_BIN (default out/bench/r2r/nulecule). Build them first:
#   dotnet build -c Release src/Nulecule.Cli
#   dotnet publish src/Nulecule.Cli -c Release -r linux-x64 --self-contained false -p:PublishAot=false \
#     -p:PublishReadyToRun=true --artifacts-path out/r2r-build -o out/bench/r2r
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
results="${1:-$root/out/bench/startup}"
runs="${RUNS:-20}"
plain="${PLAIN_BIN:-$root/src/Nulecule.Cli/bin/Release/net10.0/nulecule}"
r2r="${R2R_BIN:-$root/out/bench/r2r/nulecule}"
for bin in "$plain" "$r2r"; do
  [ -x "$bin" ] || { echo "missing $bin: build it first (see the header of $0)" >&2; exit 2; }
done
mkdir -p "$results"
samples="$results/startup.tsv"
rm -f "$samples"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
app="$work/app"
mkdir -p "$app/artifacts"
{
  printf 'specversion: 0.0.2\nid: bench-start\nmetadata:\n  name: bench-start\ngraph:\n'
  for ((i = 0; i < 40; i++)); do
    c=$(printf 'c%03d' "$i")
    printf '  - name: %s\n    params:\n      - name: greeting\n        default: hello-%s\n    artifacts:\n      kubernetes:\n        - file://artifacts/%s.yaml\n' "$c" "$c" "$c"
    {
      printf 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: %s\ndata:\n  greeting: $greeting\n' "$c"
      for x in a b c d; do printf -- '---\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s-%s\nspec:\n  ports:\n    - port: 80\n' "$c" "$x"; done
    } >"$app/artifacts/$c.yaml"
  done
} >"$app/Nulecule"

for ((r = 1; r <= runs; r++)); do
  order=(plain r2r)
  ((r % 2)) || order=(r2r plain)
  for build in "${order[@]}"; do
    bin=$plain
    [ "$build" = r2r ] && bin=$r2r
    time_once "$build help" "$samples" "$bin" --help
    time_once "$build version" "$samples" "$bin" version
    time_once "$build template" "$samples" "$bin" template "$app" --provider kubernetes
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; runs: $runs"
python3 bench/lib/summarize.py "$samples"
echo
echo "| command | plain median ms | ReadyToRun median ms | ReadyToRun / plain |"
echo "|---|---:|---:|---:|"
for cmd in help version template; do
  awk -v c="$cmd" -v p="$(median_ms "$samples" "plain $cmd")" -v r="$(median_ms "$samples" "r2r $cmd")" \
    'BEGIN { printf "| %s | %.1f | %.1f | %.2f |\n", c, p, r, r / p }'
done
