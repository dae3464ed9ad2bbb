#!/usr/bin/env bash
# Publishes the nulecule CLI as a NativeAOT binary (out/aot/nulecule) and fails if the publish
# reports any trim/AOT analysis warning (ILxxxx): those mean the binary may misbehave at run time
# where reflection or dynamic code was cut away.
#   scripts/publish-aot.sh [OUTDIR [MSBUILD_ARG...]]   (default out/aot, relative to the repository root)
# MSBUILD_ARGs go to dotnet publish as they are, e.g. -p:IlcDehydrate=false for a variant to compare
# (docs/benchmarks.md 1g); give a variant its own intermediate folder with AOT_ARTIFACTS (default
# out/aot-build), so that it and the default publish do not rebuild each other's.
set -euo pipefail
cd "$(dirname "$0")/.."
# No MSBuild node or build server may outlive the script (one would keep an inherited lock or
# file open after the build): the same as -nodeReuse:false on every dotnet command.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
out="${1:-out/aot}"
shift $(($# > 0))
artifacts="${AOT_ARTIFACTS:-out/aot-build}"

. scripts/aot-prerequisites.sh
aot_prerequisites

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# ILC would turn IL warnings into errors (TreatWarningsAsErrors) and stop without a binary; let it
# finish so the binary can be inspected, and fail below on the warnings ourselves.
# -clp:NoSummary keeps each warning printed once.
set +e
# Its own artifacts folder (bin and obj under out/aot-build, or AOT_ARTIFACTS): the RID-specific restore and build
# never share src/*/obj with the normal build (see docs/packaging.md).
dotnet publish src/Nulecule.Cli -c Release -r linux-x64 -p:PublishAot=true -p:IlcTreatWarningsAsErrors=false \
  --artifacts-path "$artifacts" \
  -o "$out" -clp:NoSummary "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
set -e
if [ "$rc" -ne 0 ]; then
  echo "publish-aot: dotnet publish failed (exit $rc)" >&2
  exit "$rc"
fi

# Trim (IL2xxx) and AOT (IL3xxx) analysis warnings; Directory.Build.props makes most of them errors
# already, but ILCompiler's own warnings for package code are not covered by TreatWarningsAsErrors.
if ! aot_warnings_fail "$log" "publish-aot"; then
  [ -f "$out/nulecule" ] && echo "publish-aot: (binary left at $out/nulecule, $(stat -c %s "$out/nulecule") bytes, for inspection only)" >&2
  exit 3
fi

bin="$out/nulecule"
size=$(stat -c %s "$bin")
echo "publish-aot: $bin, $size bytes ($((size / 1024 / 1024)) MiB), no trim/AOT warnings"
