# Shared timing helpers for the bench/*.sh scripts (sourced).

# now_ns: wall clock in nanoseconds.
now_ns() { date +%s%N; }

# time_once NAME RESULTS CMD...: runs CMD once, appends "NAME<TAB>seconds" to RESULTS, and
# fails loudly (with CMD's output) if CMD fails: a fast failure must never read as a fast run.
time_once() {
  local name="$1" results="$2"; shift 2
  local log start end rc=0
  log="$(mktemp)"
  start=$(now_ns)
  # `|| rc=$?`: under the callers' `set -e` a bare failing command would end the script before
  # the failure (and the command's output) is reported.
  "$@" >"$log" 2>&1 || rc=$?
  end=$(now_ns)
  if [ $rc -ne 0 ]; then
    echo "FAILED ($rc): $*" >&2
    tail -20 "$log" >&2
    rm -f "$log"
    return $rc
  fi
  rm -f "$log"
  awk -v n="$name" -v s="$start" -v e="$end" 'BEGIN { printf "%s\t%.6f\n", n, (e - s) / 1e9 }' >>"$results"
}

# time_cpu_once RESULTS FIELDS CMD...: runs CMD once (its output dropped; under the callers'
# `set -e` a failure ends the script) and appends "FIELDS<TAB>wall ms<TAB>CPU ms" to RESULTS: the
# wall clock, and the process's user + system time as /usr/bin/time measures it (10 ms steps).
time_cpu_once() {
  local results="$1" fields="$2" t s e u sy; shift 2
  t="$(mktemp)"
  s=$(now_ns)
  /usr/bin/time -f "%U %S" -o "$t" "$@" >/dev/null
  e=$(now_ns)
  read -r u sy <"$t"
  rm -f "$t"
  printf '%s\t%d\t%s\n' "$fields" $(((e - s) / 1000000)) "$(echo "($u + $sy) * 1000" | bc)" >>"$results"
}

# median_ms RESULTS NAME: median milliseconds of NAME's samples.
median_ms() {
  awk -F'\t' -v n="$2" '$1 == n { print $2 * 1000 }' "$1" | sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
