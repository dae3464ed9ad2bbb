#!/usr/bin/env bash
# The whole packaging route, NativeAOT included (minutes: CI runs the `any` part only, in
# tests/Nulecule.Cli.Tests/Packaging): scripts/pack.sh into a fresh feed, `dotnet tool install`
# from it (the linux-x64 AOT package, and the `any` fallback from a feed without it), `version`
# from each, sizes and start-up times (20 runs each), the tool image built from the installed
# AOT binary, its labels and `version` in it. Leaves the image as local/nulecule:VERSION.
#
#   scripts/check-packages.sh [WORKDIR]     default: a temporary directory, removed at the end
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
work="${1:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"
feed="$work/nupkg"

start=$(date +%s)
OUT="$work/out" bash scripts/pack.sh "$feed"
echo "pack (pointer, any, linux-x64 AOT): $(($(date +%s) - start)) s"

# A cache and sources of this check's own: no package from an earlier install, no network.
cat > "$work/nuget.config" <<'XML'
<configuration><packageSources><clear /></packageSources></configuration>
XML
install() { # DIR FEED
  NUGET_PACKAGES="$work/packages-$(basename "$1")" dotnet tool install --tool-path "$1" --add-source "$2" --configfile "$work/nuget.config" nulecule
}

# On linux-x64 the pointer above sends `dotnet tool install` to the AOT package; the fallback is
# installed from the feed --no-aot makes (its pointer names only `any`).
OUT="$work/out-any" bash scripts/pack.sh --no-aot "$work/feed-any"
install "$work/aot" "$feed"
install "$work/any" "$work/feed-any"

aotdir="$(dirname "$(find "$work/aot/.store" -path '*linux-x64*' -name nulecule -type f -print -quit)")"
anydir="$(dirname "$(find "$work/any/.store" -name nulecule.dll -print -quit)")"
[ -f "$aotdir/nulecule" ] && [ ! -f "$aotdir/nulecule.dll" ] || { echo "check: the linux-x64 package did not install a native binary" >&2; exit 1; }
[ -f "$anydir/nulecule.dll" ] || { echo "check: the any package did not install nulecule.dll" >&2; exit 1; }

for kind in aot any; do
  echo "== $kind: $work/$kind/nulecule version"
  DOCKER_HOST=unix:///nonexistent/docker.sock "$work/$kind/nulecule" version --kubeconfig /nonexistent | head -n 1
done

echo "== sizes (bytes)"
for f in "$feed"/*.nupkg; do printf '%10d  %s\n' "$(stat -c %s "$f")" "$(basename "$f")"; done
printf '%10d  installed AOT tool (%s)\n' "$(du -sb "$work/aot/.store" | cut -f1)" "$aotdir"
printf '%10d  installed any tool (%s)\n' "$(du -sb "$work/any/.store" | cut -f1)" "$anydir"

echo "== start-up: nulecule --version, mean of 20 runs after 2 warm-ups"
for kind in aot any; do
  for _ in 1 2; do "$work/$kind/nulecule" --version >/dev/null; done
  t0=$(date +%s%N)
  for _ in $(seq 20); do "$work/$kind/nulecule" --version >/dev/null; done
  t1=$(date +%s%N)
  echo "$kind: $(( (t1 - t0) / 20 / 1000000 )) ms"
done

echo "== image"
AOT="$aotdir" bash scripts/build-tool-image.sh
version="$("$work/aot/nulecule" --version)"
docker image inspect -f '{{range $k, $v := .Config.Labels}}{{$k}}={{$v}}{{println}}{{end}}' "local/nulecule:$version"
docker run --rm "local/nulecule:$version" version --kubeconfig /nonexistent | head -n 1
echo "check-packages: all good ($(($(date +%s) - start)) s)"
