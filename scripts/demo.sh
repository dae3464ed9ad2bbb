#!/usr/bin/env bash
# Brings examples/wordpress up on the local Docker engine, from nothing, on a Debian 12 machine:
# Docker engine and base images, the WordPress/MariaDB images (built offline from Debian packages),
# the nulecule CLI, the nested MariaDB app fetched from its image, then `nulecule run`.
# Ends with the URL. Run it again at any time: every step is idempotent.
#
#   scripts/demo.sh                 # http://127.0.0.1:8080/
#   HOSTPORT=9090 scripts/demo.sh   # another host port
#   scripts/demo.sh --stop          # stop the release and remove its data volume
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$(pwd)"
app="$repo/examples/wordpress"
answers="$app/answers.conf"
release="${RELEASE:-wordpress}"
hostport="${HOSTPORT:-8080}"
nulecule="$repo/src/Nulecule.Cli/bin/Debug/net10.0/nulecule"

step() { printf '\n== %s\n' "$*"; }
timed() {
  local start=$SECONDS
  "$@"
  echo "   ($((SECONDS - start)) s)"
}

if [[ "${1:-}" == "--stop" ]]; then
  "$nulecule" stop "$release" --volumes
  exit 0
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "demo: the .NET SDK (dotnet, see global.json) is needed to build the nulecule CLI" >&2
  exit 1
fi

step "Docker engine and local/busybox:latest (.ci/docker-setup.sh)"
timed bash .ci/docker-setup.sh
step "local/debian:bookworm (scripts/build-debian-image.sh)"
timed bash scripts/build-debian-image.sh
step "local/mariadb:10, local/wordpress:6, local/nulecule-mariadb:1 (scripts/build-wordpress-images.sh)"
timed bash scripts/build-wordpress-images.sh
step "the nulecule CLI (dotnet build src/Nulecule.Cli)"
timed dotnet build src/Nulecule.Cli -nologo -v q -clp:ErrorsOnly

step "nested apps of examples/wordpress (nulecule fetch)"
timed "$nulecule" fetch "$app" --update

# The passwords are made up once and kept in the (git-ignored, owner-only) answers file: the
# database volume outlives a stop, and it keeps the passwords it was first created with.
if [[ ! -f "$answers" ]]; then
  step "answers file $answers (new passwords)"
  password() { head -c 18 /dev/urandom | base64 | tr -d '/+=\n'; }
  umask 077
  sed -e "s|^# db_pass = .*|db_pass = $(password)|" \
      -e "s|^# root_pass = .*|root_pass = $(password)|" \
      "$app/answers.conf.sample" > "$answers"
  umask 022
fi

step "nulecule run examples/wordpress --provider docker --name $release --wait"
timed "$nulecule" run "$app" --provider docker -a "$answers" --set "wordpress.hostport=$hostport" \
  --name "$release" --wait --timeout 5m

url="http://127.0.0.1:$hostport/"
# --wait returned once both health checks passed; this is the proof a browser will see.
if command -v curl >/dev/null 2>&1; then
  code="$(curl -s -o /dev/null -w '%{http_code}' -L "$url" || true)"
else
  code=200 # no curl on this machine: the health checks --wait passed are the proof
fi
if [[ "$code" != "200" ]]; then
  echo "demo: $url answered HTTP $code; see: $nulecule logs $release wordpress" >&2
  exit 1
fi
echo
echo "WordPress is up at $url"
echo "(stop it with: scripts/demo.sh --stop, or $nulecule stop $release --volumes)"
