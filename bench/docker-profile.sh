#!/usr/bin/env bash
# Where the engine's wall time goes while BIN deploys N independent containers (docs/benchmarks.md
# 2f): ROUNDS deploys of bench/docker-compare.sh's app (`BIN run APP --provider docker -v
# --progress plain`; the release is stopped, untimed, after each), each recorded with
#   - the machine's CPU over the deploy (/proc/stat: busy, iowait, idle; 2 cores), and every 250 ms,
#   - `perf record -a`: CPU samples every 10 ms by program, and syscall tracepoints: fsync/fdatasync (per program: how many, time inside,
#     and the wall time during which at least one was in flight), flock, waitid (dockerd waiting
#     for the programs it runs), and every exec (what the engine runs per container),
#   - the engine's own events (`docker events`: create, network connect, start of each container),
#   - the engine calls and their latencies (`-v`),
# PERF=0 leaves perf out (the deploy as it runs unobserved, for the CPU timeline and the events);
# and with DUMPS=1 (a separate run: the dumps stop dockerd for a moment) dockerd's goroutines
# (SIGUSR1 writes them to /var/run/docker; copied and removed) 1, 2 and 3 s into each deploy.
#   bench/docker-profile.sh BIN OUTDIR [ROUNDS]      (N default 30; PARALLEL: BIN's --parallel)
#   python3 bench/lib/docker_profile.py OUTDIR       prints the summary again
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$1" out="$2" rounds="${3:-3}" n="${N:-30}" image="${IMAGE:-local/busybox:latest}"
. "$root/bench/lib/docker_app.sh"
parallel=()
[ -n "${PARALLEL:-}" ] && parallel=(--parallel "$PARALLEL")
work="$(mktemp -d)"
export NULECULE_STATE_DIR="$work/state"
release=bench-prof
dockerd_pid="$(pidof dockerd | cut -d' ' -f1)"
trap '"$bin" stop "$release" -q >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
docker_bench_app "$work/app" "$work/compose" "$n" "$image"
mkdir -p "$out"
rm -f "$out"/round-*

events=(cpu-clock/period=10000000/ syscalls:sys_enter_fsync syscalls:sys_exit_fsync syscalls:sys_enter_fdatasync syscalls:sys_exit_fdatasync
  syscalls:sys_enter_flock syscalls:sys_exit_flock syscalls:sys_enter_waitid syscalls:sys_exit_waitid sched:sched_process_exec)
eargs=()
for e in "${events[@]}"; do eargs+=(-e "$e"); done

for ((r = 1; r <= rounds; r++)); do
  p="$out/round-$r"
  dumper=
  if [ "${DUMPS:-0}" = 1 ]; then
    ( for s in 1 2 3; do sleep 1; kill -USR1 "$dockerd_pid"; done ) &
    dumper=$!
  fi
  python3 "$root/bench/lib/docker_profile.py" sample "$p.cpu" &
  sampler=$!
  sleep 0.3
  head -1 /proc/stat >"$p.stat"
  t0=$(date +%s.%N)
  if [ "${DUMPS:-0}" = 1 ] || [ "${PERF:-1}" = 0 ]; then
    "$bin" run "$work/app" --provider docker --name "$release" -v --progress plain "${parallel[@]}" >"$p.v" 2>&1
  else
    perf record -q -a "${eargs[@]}" -o "$p.perf" -- \
      "$bin" run "$work/app" --provider docker --name "$release" -v --progress plain "${parallel[@]}" >"$p.v" 2>&1
  fi
  t1=$(date +%s.%N)
  head -1 /proc/stat >>"$p.stat"
  sleep 0.2
  kill "$sampler"; wait "$sampler" 2>/dev/null || true
  echo "$t0 $t1" >"$p.wall"
  [ -n "$dumper" ] && wait "$dumper"
  got=$(docker ps -q --filter "name=$release" | wc -l)
  [ "$got" -eq "$n" ] || { echo "expected $n running containers of $release, found $got" >&2; exit 1; }
  docker events --since "$t0" --until "$t1" --filter type=container --filter type=network --format '{{json .}}' >"$p.events"
  if [ "${DUMPS:-0}" = 1 ]; then
    sleep 1
    i=0
    for f in $(ls -tr /var/run/docker/goroutine-stacks-*.log 2>/dev/null); do
      i=$((i + 1)); mv "$f" "$p.stacks-$i"
    done
  elif [ -f "$p.perf" ]; then
    perf script -i "$p.perf" -F comm,pid,tid,time,event,trace >"$p.trace" 2>/dev/null
    rm -f "$p.perf"
  fi
  "$bin" stop "$release" -q >/dev/null
  echo "round $r: $(awk '{ printf "%.0f ms", ($2 - $1) * 1000 }' "$p.wall")" >&2
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; N=$n; rounds: $rounds"
python3 "$root/bench/lib/docker_profile.py" "$out"
