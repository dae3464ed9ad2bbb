#!/usr/bin/env bash
# Deploys N containers (local/busybox:latest running `sleep 3600`) three ways and times each as a
# whole process, cleaning up (untimed) between runs:
#   nulecule  `nulecule run APP --provider docker --name R` (APP: N components, one docker run line each)
#   compose   `docker-compose -p P up -d` on the same N services
#   floor     bench/Nulecule.DockerFloor: one network, then create+start per container, straight
#             against the Engine API with Docker.DotNet (sequential, as nulecule does)
# plus, for reference, floor-par (the floor with all creates/starts in parallel, like compose does).
#
#   bench/docker-compare.sh [RESULTS_DIR]
# Environment: N (default 30), RUNS (default 5), IMAGE (default local/busybox:latest),
#   NULECULE_BIN (default the Release build), AOT_BIN (default out/aot/nulecule; timed too if present).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
results="${1:-$root/out/bench/docker}"
n="${N:-30}" runs="${RUNS:-5}" image="${IMAGE:-local/busybox:latest}"
jit="${NULECULE_BIN:-$root/src/Nulecule.Cli/bin/Release/net10.0/nulecule}"
aot="${AOT_BIN:-$root/out/aot/nulecule}"
mkdir -p "$results"
samples="$results/docker-$n.tsv"
rm -f "$samples"

docker image inspect "$image" >/dev/null || { echo "image $image missing: scripts/build-test-images.sh" >&2; exit 2; }
command -v docker-compose >/dev/null || { echo "docker-compose missing: apt-get install -y docker-compose" >&2; exit 2; }
[ -x "$jit" ] || dotnet build -c Release src/Nulecule.Cli >&2
dotnet build -c Release bench/Nulecule.DockerFloor -o "$root/out/bench/floor-bin" >&2
floor="$root/out/bench/floor-bin/Nulecule.DockerFloor"

work="$(mktemp -d)"
app="$work/app" compose="$work/compose"
mkdir -p "$app/artifacts" "$compose"
{
  printf 'specversion: 0.0.2\nid: bench-docker\nmetadata:\n  name: bench-docker\ngraph:\n'
  for ((i = 0; i < n; i++)); do
    s=$(printf 's%02d' "$i")
    printf '  - name: %s\n    artifacts:\n      docker:\n        - file://artifacts/%s\n' "$s" "$s"
    printf 'docker run -d --name %s %s sleep 3600\n' "$s" "$image" >"$app/artifacts/$s"
  done
} >"$app/Nulecule"
{
  printf 'version: "2.4"\nservices:\n'
  for ((i = 0; i < n; i++)); do
    printf '  s%02d:\n    image: %s\n    command: ["sleep", "3600"]\n' "$i" "$image"
  done
} >"$compose/docker-compose.yml"

cleanup() {
  "$jit" stop bench-nul --timeout 1s -q >/dev/null 2>&1 || true
  "$jit" stop bench-aot --timeout 1s -q >/dev/null 2>&1 || true
  docker-compose -p benchcmp -f "$compose/docker-compose.yml" down -t 0 >/dev/null 2>&1 || true
  "$floor" down bench-floor "$n" >/dev/null 2>&1 || true
}
trap 'cleanup; rm -rf "$work"' EXIT

# Each way must really leave N running containers; otherwise the figure is meaningless.
running() { docker ps -q --filter "name=$1" | wc -l; }
check() {
  local got; got=$(running "$1")
  if [ "$got" -ne "$n" ]; then echo "expected $n running containers matching $1, found $got" >&2; docker ps -a --filter "name=$1" >&2; exit 1; fi
}

ways=(nulecule compose floor floor-par)
[ -x "$aot" ] && ways=(nulecule nulecule-aot compose floor floor-par)
cleanup
for ((r = 1; r <= runs; r++)); do
  # Rotate the order each round so no way always runs first after a teardown.
  for ((k = 0; k < ${#ways[@]}; k++)); do
    way="${ways[$(((k + r) % ${#ways[@]}))]}"
    case "$way" in
      nulecule)     time_once "$way" "$samples" "$jit" run "$app" --provider docker --name bench-nul -q; check bench-nul ;;
      nulecule-aot) time_once "$way" "$samples" "$aot" run "$app" --provider docker --name bench-aot -q; check bench-aot ;;
      compose)      time_once "$way" "$samples" docker-compose -p benchcmp -f "$compose/docker-compose.yml" up -d; check benchcmp_ ;;
      floor)        time_once "$way" "$samples" "$floor" up bench-floor "$n" "$image"; check bench-floor- ;;
      floor-par)    time_once "$way" "$samples" "$floor" up bench-floor "$n" "$image" --parallel; check bench-floor- ;;
    esac
    cleanup
  done
  echo "round $r/$runs done" >&2
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; N=$n runs=$runs"
python3 bench/lib/summarize.py "$samples"
floor_ms=$(median_ms "$samples" floor)
echo
echo "| ratio (medians) | value |"
echo "|---|---:|"
for way in "${ways[@]}"; do
  [ "$way" = floor ] && continue
  awk -v w="$way" -v a="$(median_ms "$samples" "$way")" -v f="$floor_ms" 'BEGIN { printf "| %s / floor | %.2f |\n", w, a / f }'
done
