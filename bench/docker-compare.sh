#!/usr/bin/env bash
# Deploys N containers (local/busybox:latest running a shell that sleeps and exits on SIGTERM)
# several ways, side by side in one run, and times each as a whole process:
#   nulecule      `nulecule run APP --provider docker --name R` with the JIT build
#                 (APP: N components, one docker run line each; default --parallel)
#   nulecule-aot  the same with the NativeAOT binary (scripts/publish-aot.sh; skipped if absent)
#   nulecule-base the same with another binary, BASE_BIN (e.g. main's AOT build: before and after
#                 a change, side by side; only when WAYS names it); nulecule-base+pN: BASE_BIN
#                 with `--parallel N` (its stop is untimed)
#   compose       `docker-compose -p P up -d` on the same N services
#   floor-par     bench/Nulecule.DockerFloor --parallel: one network, then create+start of every
#                 container all at once, straight against the Engine API with Docker.DotNet
#                 (the same image and shell payload as the others)
#   floor         the same one container after another (only when WAYS names it)
#   floor-par+OPT+OPT...  floor-par asking for the same containers in another shape (only when WAYS
#                 names it): phased (every create before any start), cN (at most N creates in
#                 flight), sN (at most N starts in flight); e.g. floor-par+phased, floor-par+c8+s4
# for each size of the sweep; then times taking them down again (`nulecule stop R`, `docker-compose
# down`; the floor is removed untimed), and prints per size the medians and the ratios of medians.
# The containers' shell exits on SIGTERM, so a stop measures the tools and the engine, not a grace period.
# SHAPE=pairs makes the N containers N/2 pairs that depend on each other: aNNN, whose environment
# names dNNN (DB_HOST=dNNN), after dNNN in the graph; in the compose file aNNN depends_on dNNN.
#
#   bench/docker-compare.sh [RESULTS_DIR]
# Environment: SIZES (default "10 30 100"), RUNS (default 5), IMAGE (default local/busybox:latest),
#   WAYS (default "nulecule nulecule-aot compose floor-par"), PARALLEL (nulecule's --parallel; default its own),
#   STOP (default 1: time the stops too; 0: remove untimed), SHAPE (default independent; pairs),
#   BASE_BIN (the binary of nulecule-base),
#   NULECULE_BIN (default the Release build), AOT_BIN (default out/aot/nulecule), REPORT_ONLY (1: only
#   print the tables of RESULTS_DIR's samples),
#   FLOOR_BIN (default out/bench/floor-bin/Nulecule.DockerFloor), TIME_LIMIT (seconds a compose run may take; 300).
# Build them first (the script builds only what is missing):
#   dotnet build -c Release src/Nulecule.Cli; scripts/publish-aot.sh
#   dotnet build -c Release bench/Nulecule.DockerFloor -o out/bench/floor-bin
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
. bench/lib/timing.sh
. bench/lib/docker_app.sh
results="${1:-$root/out/bench/docker}"
sizes="${SIZES:-${N:-10 30 100}}" runs="${RUNS:-5}" image="${IMAGE:-local/busybox:latest}" limit="${TIME_LIMIT:-300}"
time_stop="${STOP:-1}"
payload="$docker_bench_payload"
jit="${NULECULE_BIN:-$root/src/Nulecule.Cli/bin/Release/net10.0/nulecule}"
aot="${AOT_BIN:-$root/out/aot/nulecule}"
base="${BASE_BIN:-}" shape="${SHAPE:-independent}"
floor="${FLOOR_BIN:-$root/out/bench/floor-bin/Nulecule.DockerFloor}"
read -r -a ways <<<"${WAYS:-nulecule nulecule-aot compose floor-par}"
parallel=()
[ -n "${PARALLEL:-}" ] && parallel=(--parallel "$PARALLEL")
mkdir -p "$results"

docker image inspect "$image" >/dev/null || { echo "image $image missing: scripts/build-test-images.sh" >&2; exit 2; }
command -v docker-compose >/dev/null || { echo "docker-compose missing: apt-get install -y docker-compose" >&2; exit 2; }
[ -x "$jit" ] || dotnet build -c Release src/Nulecule.Cli >&2
[ -x "$floor" ] || dotnet build -c Release bench/Nulecule.DockerFloor -o "$(dirname "$floor")" >&2
if [ ! -x "$aot" ]; then
  echo "no AOT binary at $aot (scripts/publish-aot.sh): nulecule-aot is left out" >&2
  ways=("${ways[@]/nulecule-aot/}")
fi
if [[ " ${ways[*]} " == *" nulecule-base"* ]] && [ ! -x "$base" ]; then
  echo "nulecule-base needs BASE_BIN, an executable nulecule" >&2; exit 2
fi
read -r -a ways <<<"${ways[*]}"

work="$(mktemp -d)"
app="$work/app" compose="$work/compose" n=0
cleanup() {
  "$jit" stop bench-nul --timeout 1s -q >/dev/null 2>&1 || true
  "$jit" stop bench-aot --timeout 1s -q >/dev/null 2>&1 || true
  "$jit" stop bench-base --timeout 1s -q >/dev/null 2>&1 || true
  [ -f "$compose/docker-compose.yml" ] && docker-compose -p benchcmp -f "$compose/docker-compose.yml" down -t 0 >/dev/null 2>&1 || true
  [ "$n" -gt 0 ] && "$floor" down bench-floor "$n" >/dev/null 2>&1 || true
}
trap 'cleanup; rm -rf "$work"' EXIT

# CPU seconds behind each timed deploy, which the load of a shared machine does not change much:
# the command's own (user+sys of this shell's waited-for children, read with the `times` builtin,
# so no wrapper adds to the wall time) and dockerd's with the children it reaped (its reexecs:
# set-ipv6, setup-resolver; iptables). containerd, the shims, runc and the libnetwork-setkey hook
# (which runc runs) are not counted there; the whole machine's busy CPU seconds over the deploy
# (/proc/stat) count everything, and on a quiet machine are what the deploy costs (2f).
dockerd_pid="$(pidof dockerd 2>/dev/null | cut -d' ' -f1 || true)"
# cpu_now sets cpu_own, cpu_dockerd and cpu_machine; it must run in this shell, not in $(...), for `times` to see the children.
cpu_now() {
  local tmp="$work/times"
  times >"$tmp"
  cpu_own=$(awk 'NR == 2 { s = 0; for (i = 1; i <= 2; i++) { split($i, p, "m"); s += p[1] * 60 + p[2] } print s }' "$tmp")
  cpu_machine=$(awk -v hz="$(getconf CLK_TCK)" 'NR == 1 { print ($2 + $3 + $4 + $7 + $8 + $9) / hz }' /proc/stat)
  cpu_dockerd=0
  [ -n "$dockerd_pid" ] && [ -r "/proc/$dockerd_pid/stat" ] &&
    cpu_dockerd=$(awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); print ($12 + $13 + $14 + $15) / hz }' "/proc/$dockerd_pid/stat")
  return 0
}
# timed WAY CMD...: time_once, plus a "WAY<TAB>own cpu<TAB>dockerd cpu<TAB>machine cpu" line in cpu-N.tsv.
timed() {
  local way="$1" own dockerd machine rc=0; shift
  cpu_now; own=$cpu_own dockerd=$cpu_dockerd machine=$cpu_machine
  time_once "$way" "$samples" "$@" || rc=$?
  cpu_now
  [ $rc -eq 0 ] && awk -v w="$way" -v o="$own" -v d="$dockerd" -v m="$machine" -v o2="$cpu_own" -v d2="$cpu_dockerd" -v m2="$cpu_machine" \
    'BEGIN { printf "%s\t%.3f\t%.3f\t%.2f\n", w, o2 - o, d2 - d, m2 - m }' >>"$cpu"
  return $rc
}

# stop_once NAME CMD...: a timed stop; a failed one is listed under "Runs without a result" rather
# than ending the sweep. Docker 20.10 now and then keeps a stale endpoint after many containers went
# at once, and then refuses to delete their network ("has active endpoints") until dockerd restarts.
stop_once() {
  local name="$1"; shift
  time_once "$name" "$samples" "$@" && return 0
  echo "$name: no result at N=$n round $r (the stop failed; see above)" | tee -a "$results/failures.txt" >&2
  return 1
}

# Each way must really leave N running containers; otherwise the figure is meaningless.
running() { docker ps -q --filter "name=$1" | wc -l; }
# After a timed stop nothing of it may be left, running or not.
gone() {
  local left; left=$(docker ps -aq --filter "name=$1" | wc -l)
  [ "$left" -eq 0 ] || { echo "$left containers matching $1 left after the stop" >&2; exit 1; }
}
check() {
  local got; got=$(running "$1")
  if [ "$got" -ne "$n" ]; then echo "expected $n running containers matching $1, found $got" >&2; docker ps -a --filter "name=$1" >&2; exit 1; fi
}

# The same N containers as a Nulecule app and as a compose file (bench/lib/docker_app.sh).
generate() { docker_bench_app "$app" "$compose" "$n" "$image" "$shape"; }

# REPORT_ONLY=1 prints the tables of the samples already in RESULTS_DIR without measuring.
[ "${REPORT_ONLY:-0}" = 1 ] || rm -f "$results/failures.txt"
for size in $sizes; do
  [ "${REPORT_ONLY:-0}" = 1 ] && break
  cleanup
  n=$size
  generate
  samples="$results/docker-$n.tsv" cpu="$results/cpu-$n.tsv"
  rm -f "$samples" "$cpu"
  for ((r = 1; r <= runs; r++)); do
    # Rotate the order each round so no way always runs first after a teardown.
    for ((k = 0; k < ${#ways[@]}; k++)); do
      way="${ways[$(((k + r) % ${#ways[@]}))]}"
      case "$way" in
        nulecule)
          timed "$way" "$jit" run "$app" --provider docker --name bench-nul -q "${parallel[@]}"; check bench-nul
          [ "$time_stop" = 1 ] && { stop_once "$way stop" "$jit" stop bench-nul -q "${parallel[@]}" && gone bench-nul; } ;;
        nulecule-aot)
          timed "$way" "$aot" run "$app" --provider docker --name bench-aot -q "${parallel[@]}"; check bench-aot
          [ "$time_stop" = 1 ] && { stop_once "$way stop" "$aot" stop bench-aot -q "${parallel[@]}" && gone bench-aot; } ;;
        nulecule-base)
          timed "$way" "$base" run "$app" --provider docker --name bench-base -q "${parallel[@]}"; check bench-base
          [ "$time_stop" = 1 ] && { stop_once "$way stop" "$base" stop bench-base -q "${parallel[@]}" && gone bench-base; } ;;
        nulecule-base+p[0-9]*)
          # BASE_BIN with another --parallel: nulecule-base+p4 runs `--parallel 4`.
          timed "$way" "$base" run "$app" --provider docker --name bench-base -q --parallel "${way#nulecule-base+p}"; check bench-base ;;
        compose)
          # docker-compose 1.29.2 can hang on many services (seen at 100 here): a time limit, and the
          # hang is reported instead of timed.
          if timed "$way" timeout "$limit" docker-compose -p benchcmp -f "$compose/docker-compose.yml" up -d; then
            check benchcmp_
            [ "$time_stop" = 1 ] && { stop_once "$way stop" timeout "$limit" docker-compose -p benchcmp -f "$compose/docker-compose.yml" down && gone benchcmp_; }
          else
            echo "compose: no result at N=$n round $r ($(running benchcmp_) of $n running after at most ${limit}s)" | tee -a "$results/failures.txt" >&2
          fi ;;
        floor)        timed "$way" "$floor" up bench-floor "$n" "$image" --sh "$payload"; check bench-floor- ;;
        floor-par)    timed "$way" "$floor" up bench-floor "$n" "$image" --parallel --sh "$payload"; check bench-floor- ;;
        floor-par+*)
          # Another shape of the same requests: floor-par+phased, floor-par+c8+s4 (--creates 8 --starts 4)...
          fargs=()
          IFS=+ read -r -a opts <<<"${way#floor-par+}"
          for o in "${opts[@]}"; do
            case "$o" in
              phased) fargs+=(--phased) ;;
              c[0-9]*) fargs+=(--creates "${o#c}") ;;
              s[0-9]*) fargs+=(--starts "${o#s}") ;;
              *) echo "unknown floor option $o in $way" >&2; exit 2 ;;
            esac
          done
          timed "$way" "$floor" up bench-floor "$n" "$image" --parallel "${fargs[@]}" --sh "$payload"; check bench-floor- ;;
        *)            echo "unknown way $way" >&2; exit 2 ;;
      esac
      cleanup
    done
    echo "N=$n: round $r/$runs done" >&2
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; sizes: $sizes; runs: $runs"
for size in $sizes; do
  samples="$results/docker-$size.tsv"
  echo
  echo "### $size containers"
  echo
  python3 bench/lib/summarize.py "$samples"
  echo
  echo "| ratio of medians | value |"
  echo "|---|---:|"
  for way in "${ways[@]}"; do
    case "$way" in compose | floor-par) continue ;; esac
    for base in compose floor-par; do
      [[ " ${ways[*]} " == *" $base "* ]] && grep -q "^$base	" "$samples" || continue
      awk -v w="$way" -v b="$base" -v a="$(median_ms "$samples" "$way")" -v f="$(median_ms "$samples" "$base")" \
        'BEGIN { printf "| %s / %s | %.2f |\n", w, b, a / f }'
    done
  done
  for way in nulecule nulecule-aot nulecule-base; do
    grep -q "^$way stop	" "$samples" && grep -q "^compose stop	" "$samples" || continue
    awk -v w="$way" -v a="$(median_ms "$samples" "$way stop")" -v c="$(median_ms "$samples" "compose stop")" \
      'BEGIN { printf "| %s stop / compose down | %.2f |\n", w, a / c }'
  done
  if grep -q "^nulecule-aot stop	" "$samples" && grep -q "^nulecule-base stop	" "$samples"; then
    awk -v a="$(median_ms "$samples" "nulecule-aot stop")" -v b="$(median_ms "$samples" "nulecule-base stop")" \
      'BEGIN { printf "| nulecule-aot stop / nulecule-base stop | %.2f |\n", a / b }'
  fi
  if grep -q "^compose	" "$samples" && grep -q "^floor-par	" "$samples"; then
    awk -v a="$(median_ms "$samples" compose)" -v f="$(median_ms "$samples" floor-par)" 'BEGIN { printf "| compose / floor-par | %.2f |\n", a / f }'
  fi
  if [ -s "$results/cpu-$size.tsv" ]; then
    echo
    echo "| CPU seconds per deploy (median) | the command's own | dockerd and its reexecs | the whole machine |"
    echo "|---|---:|---:|---:|"
    for way in "${ways[@]}"; do
      awk -F'\t' -v w="$way" 'BEGIN { n = 0; k = 0 } $1 == w { a[n] = $2; b[n++] = $3; if (NF > 3) c[k++] = $4 }
        function med(v, k,   i, j, t) { for (i = 0; i < k; i++) for (j = i + 1; j < k; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t } return k % 2 ? v[(k - 1) / 2] : (v[k / 2 - 1] + v[k / 2]) / 2 }
        END { if (n) printf "| %s | %.2f | %.2f | %s |\n", w, med(a, n), med(b, n), k ? sprintf("%.2f", med(c, k)) : "-" }' "$results/cpu-$size.tsv"
    done
  fi
done
[ -s "$results/failures.txt" ] && { echo; echo "Runs without a result:"; sed 's/^/- /' "$results/failures.txt"; }
exit 0
