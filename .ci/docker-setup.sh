#!/usr/bin/env bash
# Makes a Docker engine available for the integration tests: installs docker.io when the daemon
# binary is missing, starts dockerd when no engine answers (waits up to 60 s), then builds the
# local test images (no registry is reachable from CI).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if ! command -v dockerd >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io
fi

if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd"
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  if ! docker info >/dev/null 2>&1; then
    echo "dockerd did not answer within 60 s; last log lines:" >&2
    tail -n 20 /var/log/dockerd.log >&2 || true
    exit 1
  fi
fi

# Debian's docker-compose 1.29: the oracle the compose loader's tests compare with.
if ! command -v docker-compose >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y docker-compose
fi

bash "$here/scripts/build-test-images.sh"
# Real server images for the examples, from Debian packages (no registry here): a debootstrap
# base, then MariaDB and WordPress on top. Each step is skipped when its image is current.
bash "$here/scripts/build-debian-image.sh"
bash "$here/scripts/build-wordpress-images.sh"
bash "$here/scripts/build-corpus-images.sh"
# Busybox stand-ins for the images of the docs/import apps (the import end-to-end test).
bash "$here/scripts/build-import-images.sh"
