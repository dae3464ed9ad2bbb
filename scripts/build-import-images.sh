#!/usr/bin/env bash
# Builds the stand-ins the end-to-end test of `nulecule import` (tests/Nulecule.Cli.Tests/EndToEnd/
# ImportedAppsTests.cs) runs the docs/import apps with, in place of the public images their
# compose files name (no registry is reachable). Both are busybox with a few scripts:
#
#   local/import-web:1   HTTP (busybox httpd) on 80, 443, 8080, 1025 and 9000: nginx, the proxy, the
#                        web apps and the mail catcher stand-ins; `api --port N` serves on N (the
#                        3-tier API)
#   local/import-db:1    HTTP on 5432: the postgres stand-in, with `pg_isready` (true once the
#                        port answers); `redis-server` serves on 6379, `redis-cli ping` says PONG
#
# Every server answers `/` and `/health`; each container says which ports it serves in its log.
# Needs local/busybox:latest (scripts/build-test-images.sh). Idempotent and fast: the images carry
# the hash of their build context and base image, and are rebuilt only when it changed (or --force).
set -euo pipefail

force="${1:-}"
if ! docker image inspect local/busybox:latest >/dev/null 2>&1; then
  echo "build-import-images: base image local/busybox:latest is missing (run scripts/build-test-images.sh)" >&2
  exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin" "$work/www"
echo '<html><body>nulecule import stand-in</body></html>' > "$work/www/index.html"
echo ok > "$work/www/health"

# standin PORT...: busybox httpd on each port until TERM (httpd alone as PID 1 ignores it).
cat > "$work/bin/standin" <<'SH'
#!/bin/sh
[ $# -gt 0 ] || set -- 80
trap 'exit 0' TERM INT
for port in "$@"; do
  httpd -f -p "$port" -h /srv/www &
done
echo "stand-in serving on $*"
wait
SH
cat > "$work/bin/api" <<'SH'
#!/bin/sh
# api --port N: the 3-tier app's API, serving / and /health on N.
port=8000
while [ $# -gt 0 ]; do
  case "$1" in --port) port="$2"; shift 2 ;; *) shift ;; esac
done
exec standin "$port"
SH
cat > "$work/bin/pg_isready" <<'SH'
#!/bin/sh
wget -q -O /dev/null http://127.0.0.1:5432/health
SH
cat > "$work/bin/redis-server" <<'SH'
#!/bin/sh
exec standin 6379
SH
cat > "$work/bin/redis-cli" <<'SH'
#!/bin/sh
# Only `redis-cli ping`, as the healthcheck asks.
wget -q -O /dev/null http://127.0.0.1:6379/health && echo PONG
SH
chmod 755 "$work"/bin/*

cat > "$work/Dockerfile" <<'DOCKERFILE'
FROM local/busybox:latest AS base
COPY bin/ /usr/local/bin/
COPY www/ /srv/www/
ENV PATH=/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

FROM base AS web
EXPOSE 80 443 8080 1025 9000
CMD ["standin", "80", "443", "8080", "1025", "9000"]

FROM base AS db
EXPOSE 5432
CMD ["standin", "5432"]
DOCKERFILE

hash="$( (cd "$work" && find . -type f | LC_ALL=C sort | xargs cat; docker image inspect --format '{{.Id}}' local/busybox:latest) | sha256sum | cut -c1-16)"
for target in web db; do
  image="local/import-$target:1"
  current="$(docker image inspect --format '{{index .Config.Labels "nulecule.import-standin"}}' "$image" 2>/dev/null || true)"
  if [[ "$force" != "--force" && "$current" == "$hash" ]]; then
    echo "$image present"
    continue
  fi
  started=$SECONDS
  DOCKER_BUILDKIT=0 docker build -q --target "$target" --label "nulecule.import-standin=$hash" -t "$image" "$work" >/dev/null
  echo "$image built in $((SECONDS - started)) s"
done
