#!/usr/bin/env bash
# Builds the images of examples/wordpress from Debian packages, without any registry:
#   local/mariadb:10             MariaDB server (examples/wordpress/images/mariadb)
#   local/wordpress:6            WordPress on apache2 + mod_php (examples/wordpress/images/wordpress)
#   local/nulecule-mariadb:1     the nested MariaDB Nulecule app (examples/wordpress/mariadb-app)
# Needs local/debian:bookworm (scripts/build-debian-image.sh) and local/busybox:latest
# (scripts/build-test-images.sh). Idempotent and fast when the images exist: an image is rebuilt
# only when missing, when its build context changed since it was built, or with --force.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
example="$here/examples/wordpress"
force="${1:-}"

for base in local/debian:bookworm local/busybox:latest; do
  if ! docker image inspect "$base" >/dev/null 2>&1; then
    echo "build-wordpress-images: base image $base is missing;" \
      "run scripts/build-debian-image.sh and scripts/build-test-images.sh first" >&2
    exit 1
  fi
done

# A digest of a build context's files (names and contents), recorded as a label on the image.
context_digest() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

build() {
  local image="$1" context="$2"
  local digest current
  digest="$(context_digest "$context")"
  current="$(docker image inspect -f '{{ index .Config.Labels "io.nulecule.example.context" }}' "$image" 2>/dev/null || true)"
  if [[ "$force" != "--force" && "$current" == "$digest" ]]; then
    echo "$image up to date"
    return
  fi
  echo "building $image from ${context#"$here"/}"
  local start=$SECONDS
  docker build --label "io.nulecule.example.context=$digest" -t "$image" "$context"
  echo "built $image in $((SECONDS - start)) s"
}

build local/mariadb:10 "$example/images/mariadb"
build local/wordpress:6 "$example/images/wordpress"
build local/nulecule-mariadb:1 "$example/mariadb-app"
