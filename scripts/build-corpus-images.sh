#!/usr/bin/env bash
# Builds local stand-ins for the images the corpus apps name (no registry is reachable), so the
# corpus apps' own artifacts run unchanged on Docker and on the Kubernetes testbed:
#
#   centos/httpd:latest,:corpus           busybox httpd serving a page on :80 (helloapache)
#   centos/redis:latest,:corpus           Debian's redis-server; master with no args, slave with
#   dharmit/redis:latest,:corpus            `/etc/redis.conf --slaveof HOST PORT ...`, `redis-server`
#   dharmit/flask:latest,:corpus          python3-flask app counting visits in redis:6379, on :5000
#   kubernetes/guestbook:v2               NOT the guestbook-go app: busybox httpd on :3000
#
# Needs local/busybox:latest and local/debian:bookworm (scripts/build-test-images.sh,
# scripts/build-debian-image.sh); apt inside `docker build` uses the image's mirror.
# Idempotent and fast when present: each image carries a label with the hash of its build
# context and base image, and is rebuilt only when that changed (or with --force).
set -euo pipefail

force="${1:-}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for base in local/busybox:latest local/debian:bookworm; do
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    echo "build-corpus-images: base image $base is missing (run scripts/build-test-images.sh / scripts/build-debian-image.sh)" >&2
    exit 1
  fi
done

# build NAME DIR TAG... : builds DIR's Dockerfile as every TAG unless the first TAG already
# carries the same context hash.
build() {
  local name="$1" dir="$2"
  shift 2
  local base hash current
  base="$(sed -n 's/^FROM[[:space:]]\+\([^[:space:]]\+\).*/\1/p' "$dir/Dockerfile" | head -n 1)"
  hash="$( (cd "$dir" && find . -type f | LC_ALL=C sort | xargs cat; docker image inspect --format '{{.Id}}' "$base") | sha256sum | cut -c1-16)"
  current="$(docker image inspect --format '{{index .Config.Labels "nulecule.corpus-standin"}}' "$1" 2>/dev/null || true)"
  if [[ "$force" != "--force" && "$current" == "$hash" ]]; then
    local missing=0 tag
    for tag in "$@"; do docker image inspect "$tag" >/dev/null 2>&1 || missing=1; done
    if [[ $missing -eq 0 ]]; then
      echo "$name: present ($*)"
      return
    fi
  fi
  local args=() tag
  for tag in "$@"; do args+=(-t "$tag"); done
  local started=$SECONDS
  DOCKER_BUILDKIT=0 docker build -q --label "nulecule.corpus-standin=$hash" "${args[@]}" "$dir" >/dev/null
  echo "$name: built $* in $((SECONDS - started)) s"
}

# --- centos/httpd: helloapache's web server -------------------------------------------------
mkdir -p "$work/httpd"
cat > "$work/httpd/index.html" <<'EOF'
<html><body><h1>Hello from the corpus centos/httpd stand-in</h1></body></html>
EOF
# busybox httpd as PID 1 ignores SIGTERM; a shell that traps it makes stop/delete immediate.
cat > "$work/httpd/Dockerfile" <<'EOF'
FROM local/busybox:latest
COPY index.html /var/www/html/index.html
EXPOSE 80
CMD ["/bin/sh", "-c", "trap 'exit 0' TERM INT; httpd -f -p 80 -h /var/www/html & wait"]
EOF
build "centos/httpd" "$work/httpd" centos/httpd:latest centos/httpd:corpus

# --- kubernetes/guestbook:v2: guestbook frontend stand-in (static page, not the Go app) -----
mkdir -p "$work/guestbook"
cat > "$work/guestbook/index.html" <<'EOF'
<html><body><h1>guestbook stand-in (busybox httpd, not guestbook-go)</h1></body></html>
EOF
cat > "$work/guestbook/Dockerfile" <<'EOF'
FROM local/busybox:latest
COPY index.html /var/www/html/index.html
EXPOSE 3000
CMD ["/bin/sh", "-c", "trap 'exit 0' TERM INT; httpd -f -p 3000 -h /var/www/html & wait"]
EOF
build "kubernetes/guestbook" "$work/guestbook" kubernetes/guestbook:v2

# --- centos/redis and dharmit/redis: Debian's redis-server ----------------------------------
mkdir -p "$work/redis"
cat > "$work/redis/redis.conf" <<'EOF'
# Container defaults: foreground, every interface, no protected mode, log to stdout, no disk.
bind 0.0.0.0
protected-mode no
port 6379
daemonize no
supervised no
logfile ""
dir /data
save ""
appendonly no
EOF
# The corpus runs this image three ways: no arguments (redis master: `-e MASTER=true`),
# arguments for redis-server (slave: `/etc/redis.conf --slaveof redis-master 6379 --bind 0.0.0.0`)
# and a command (`redis-server`, flask-redis; Kubernetes slave: `sh -c "redis-server /etc/redis.conf ..."`).
cat > "$work/redis/entrypoint.sh" <<'EOF'
#!/bin/sh
set -e
case "${1:-}" in
  "") exec redis-server /etc/redis.conf ;;
  -*|*.conf) exec redis-server "$@" ;;
  *) exec "$@" ;;
esac
EOF
# A bare `redis-server` (the flask-redis artifacts' command) would start with protected mode
# on, refusing other containers; give it the container config instead.
cat > "$work/redis/redis-server" <<'EOF'
#!/bin/sh
if [ "$#" -eq 0 ]; then set -- /etc/redis.conf; fi
exec /usr/bin/redis-server "$@"
EOF
cat > "$work/redis/Dockerfile" <<'EOF'
FROM local/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /data /redis
COPY redis.conf /etc/redis.conf
COPY entrypoint.sh /usr/local/bin/corpus-redis-entrypoint
COPY redis-server /usr/local/bin/redis-server
RUN chmod 755 /usr/local/bin/corpus-redis-entrypoint /usr/local/bin/redis-server
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/corpus-redis-entrypoint"]
CMD []
EOF
build "centos/redis, dharmit/redis" "$work/redis" centos/redis:latest centos/redis:corpus dharmit/redis:latest dharmit/redis:corpus

# --- dharmit/flask: the flask-redis front end -----------------------------------------------
mkdir -p "$work/flask"
cat > "$work/flask/app.py" <<'EOF'
"""Counts page visits in redis (host `redis`, port 6379), like the flask-redis corpus app."""
import signal
import sys

from flask import Flask
from redis import Redis

# PID 1 ignores signals without a handler: exit on SIGTERM so `docker stop` is immediate.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))

app = Flask(__name__)
store = Redis(host="redis", port=6379, socket_connect_timeout=5)


@app.route("/")
def hello():
    visits = store.incr("visits")
    return f"Hello from flask! This page has been visited {visits} times.\n"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=5000)
EOF
cat > "$work/flask/Dockerfile" <<'EOF'
FROM local/debian:bookworm
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-flask python3-redis \
 && rm -rf /var/lib/apt/lists/*
COPY app.py /srv/app.py
EXPOSE 5000
ENV PYTHONUNBUFFERED=1
CMD ["python3", "/srv/app.py"]
EOF
build "dharmit/flask" "$work/flask" dharmit/flask:latest dharmit/flask:corpus
