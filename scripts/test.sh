#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Debian 12 machine (Docker engine, test images,
# the single-node Kubernetes testbed), runs every test of the solution, and ends with one line
# `N passed, N failed[, N skipped]`. Exit code 0 only when nothing failed.
#
#   scripts/test.sh              # everything
#   NULECULE_NO_ENGINES=1 scripts/test.sh   # skip engine set-up: engine tests then skip
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
results="$repo/TestResults"
rm -rf "$results"
mkdir -p "$results"

# The completion tests run the generated scripts in these shells, the manual page tests run mandoc
# (they skip, saying so, without them).
if { ! command -v zsh >/dev/null || ! command -v fish >/dev/null || ! command -v mandoc >/dev/null; } && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q zsh fish mandoc >/dev/null 2>&1 \
    || { apt-get update -q >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q zsh fish mandoc >/dev/null 2>&1; } \
    || echo "test.sh: zsh/fish/mandoc could not be installed; their completion and manual page tests will skip" >&2
fi

if [ "${NULECULE_NO_ENGINES:-}" != "1" ]; then
  if [ -f .ci/docker-setup.sh ]; then
    bash .ci/docker-setup.sh || echo "test.sh: docker set-up failed; Docker tests will fail or skip" >&2
  fi
  # The swarm tests need a swarm manager; the engine is left as it was found (see .ci/swarm-setup.sh).
  if [ -f .ci/swarm-setup.sh ]; then
    swarm_before=$(bash .ci/swarm-setup.sh on) || echo "test.sh: swarm mode could not be turned on; swarm tests will skip" >&2
    trap 'bash .ci/swarm-setup.sh off "${swarm_before:-}"' EXIT
  fi
  if [ -f .ci/kube-setup.sh ] && [ -d ../shared/testbed ]; then
    kubeconfig=$(bash .ci/kube-setup.sh | tail -n 1) || true
    case "$kubeconfig" in
      export\ KUBECONFIG=*) eval "$kubeconfig" ;;
      *) echo "test.sh: Kubernetes testbed did not start; Kubernetes tests will skip" >&2 ;;
    esac
  fi
fi

dotnet build Nulecule.slnx -c Debug -nologo -v q || { echo "0 passed, 1 failed"; exit 1; }
# The tool image tests run the NativeAOT binary (out/aot/nulecule). It is published when missing or
# older than any source file (about 3 minutes on two cores); NULECULE_NO_AOT=1 leaves it alone, and
# those tests then skip, saying so. A failed publish is reported and fails the run.
if [ "${NULECULE_NO_AOT:-}" != "1" ] && [ "${NULECULE_NO_ENGINES:-}" != "1" ]; then
  if [ ! -x out/aot/nulecule ] || [ -n "$(find src Directory.Build.props Directory.Packages.props -newer out/aot/nulecule -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print -quit)" ]; then
    bash scripts/publish-aot.sh >"$results/publish-aot.log" 2>&1 \
      || { echo "test.sh: scripts/publish-aot.sh failed (log: $results/publish-aot.log)" >&2; tail -n 20 "$results/publish-aot.log" >&2; aot_failed=1; }
  fi
fi
# One test project at a time: the engine tests share one Docker engine and one cluster, and on
# two cores running them side by side mostly buys timeouts.
status=0
for project in $(find tests -name '*.Tests.csproj' | sort); do
  dotnet test "$project" --no-build -nologo --logger "trx" --results-directory "$results" "$@" || status=1
done

passed=0; failed=0; skipped=0; files=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  files=$((files + 1))
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p=$(get passed); f=$(get failed); e=$(get error); t=$(get total); x=$(get executed)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
  skipped=$((skipped + ${t:-0} - ${x:-0}))
done
projects=$(find tests -name '*.Tests.csproj' | wc -l)
if [ "$files" -lt "$projects" ]; then
  # A test host that crashed writes no result file: count it as a failure.
  failed=$((failed + projects - files))
fi
if [ "${aot_failed:-0}" = 1 ]; then failed=$((failed + 1)); fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
