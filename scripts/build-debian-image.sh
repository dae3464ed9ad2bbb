#!/usr/bin/env bash
# Builds local/debian:bookworm (a minbase debootstrap rootfs imported with `docker import`) from
# the apt mirror this machine is already configured with, so no registry is needed. Idempotent:
# an existing image is left alone (pass --force to rebuild). Slow (a few minutes): run it once.
set -euo pipefail

image="local/debian:bookworm"
suite="bookworm"
force="${1:-}"

if [[ "$force" != "--force" ]] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image already present"
  exit 0
fi

# The first Debian mirror configured for apt: deb822 `URIs:` lines or one-line `deb URL suite` entries.
mirror=""
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
  [[ -f "$f" ]] || continue
  mirror="$(awk '
    /^[[:space:]]*URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }
    /^[[:space:]]*deb[[:space:]]/ { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) { print $i; exit } } }
  ' "$f")"
  [[ -n "$mirror" ]] && break
done
mirror="${mirror:-http://deb.debian.org/debian}"
echo "using mirror $mirror"

if ! command -v debootstrap >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y debootstrap
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror"
# Keep the image small and let apt inside it use the same mirror.
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
echo "deb $mirror $suite main" > "$rootfs/etc/apt/sources.list"

tar -C "$rootfs" --numeric-owner -c . | docker import \
  --change 'CMD ["/bin/bash"]' \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image"
echo "built $image"
