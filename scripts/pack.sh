#!/usr/bin/env bash
# Packs the nulecule CLI as `dotnet tool` packages into a local folder feed and writes its manual
# pages (generated from the command tree by the hidden `nulecule manpage`, then linted by mandoc).
#
#   scripts/pack.sh [--no-aot] [FEED]     FEED default: ./nupkg; man pages: out/man
#     nulecule.VERSION.nupkg            the pointer package `dotnet tool install` asks for first
#     nulecule.linux-x64.VERSION.nupkg  NativeAOT binary (needs clang; a few minutes to compile)
#     nulecule.any.VERSION.nupkg        framework-dependent fallback: any OS with a .NET 10 runtime
#   --no-aot   the `any` package, and a pointer that names only it (what CI tests; no NativeAOT
#              compile). `dotnet tool install` takes the package of the machine's RID when the
#              pointer names one, and fails if the feed lacks it: it does not fall back to `any`.
#   VERSION=0.1.1 scripts/pack.sh       another version than the project's
#   OUT=DIR scripts/pack.sh             build folders and man pages under DIR instead of out/
#
# Then: dotnet tool install --tool-path ~/.local/bin --add-source ./nupkg nulecule
#
# Each of the three builds gets its own artifacts folder under out/pack (its bin and obj), so the
# normal build in src/*/bin and src/*/obj is neither used nor changed by packing.
set -euo pipefail
cd "$(dirname "$0")/.."
# No MSBuild node or build server may outlive the script (one would keep an inherited lock or
# file open after the build): the same as -nodeReuse:false on every dotnet command.
export MSBUILDDISABLENODEREUSE=1 DOTNET_CLI_USE_MSBUILD_SERVER=0
. scripts/aot-prerequisites.sh

aot=1
if [ "${1:-}" = "--no-aot" ]; then aot=0; shift; fi
feed="${1:-nupkg}"
work="${OUT:-out}/pack"
man="${OUT:-out}/man"
project="src/Nulecule.Cli"
version=()
[ -n "${VERSION:-}" ] && version=("-p:Version=$VERSION")

mkdir -p "$feed"
rm -f "$feed"/nulecule.*nupkg
rm -rf "$work" "$man"

pack() {
  local flavour="$1"; shift
  echo "== $flavour"
  dotnet pack "$project" -c Release -nologo -v q --artifacts-path "$work/$flavour" -o "$feed" ${version[@]+"${version[@]}"} "$@"
}

if [ "$aot" = 1 ]; then pack pointer; else pack pointer -p:ToolPackageRuntimeIdentifiers=any; fi
pack any -r any -p:PublishAot=false
if [ "$aot" = 1 ]; then
  aot_prerequisites
  log="$(mktemp)"
  trap 'rm -f "$log"' EXIT
  # ILC would stop at its first trim/AOT warning without a package; finish, then fail on them.
  set +e
  # No debug files in the package: the native symbols (nulecule.dbg, about 120 MB) and the
  # libraries' .pdb files are of no use to the installed tool, and tripled its size on disk.
  pack linux-x64 -r linux-x64 -p:IlcTreatWarningsAsErrors=false -p:CopyOutputSymbolsToPublishDirectory=false -p:DebugType=none \
    -clp:NoSummary 2>&1 | tee "$log"
  rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" -eq 0 ] || { echo "pack: dotnet pack -r linux-x64 failed (exit $rc)" >&2; exit "$rc"; }
  aot_warnings_fail "$log" "pack"
fi

echo "== manual pages ($man)"
dll="$(find "$work/any/bin/Nulecule.Cli" -name nulecule.dll -print -quit)"
SOURCE_DATE_EPOCH="$(git log -1 --format=%ct 2>/dev/null || date +%s)" dotnet "$dll" manpage --output-dir "$man"
if ! command -v mandoc >/dev/null 2>&1; then
  echo "installing mandoc (the manual page linter)" >&2
  if [ "$(id -u)" -eq 0 ]; then apt-get install -y -q mandoc >/dev/null; else sudo apt-get install -y -q mandoc >/dev/null; fi
fi
lint="$(mandoc -T lint -W style "$man"/*.1 2>&1 || true)"
if [ -n "$lint" ]; then
  echo "pack: mandoc -T lint found problems in the manual pages:" >&2
  echo "$lint" >&2
  exit 4
fi
echo "$(ls "$man"/*.1 | wc -l) pages, mandoc -T lint clean"

echo "== packages ($feed)"
for f in "$feed"/nulecule.*nupkg; do
  printf '%10d  %s\n' "$(stat -c %s "$f")" "$f"
done
