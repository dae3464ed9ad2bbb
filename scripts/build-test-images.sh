#!/usr/bin/env bash
# Builds the local test images that the docker provider's integration tests use, without any
# registry: local/busybox:latest is a rootfs made of Debian's static busybox, imported with
# `docker import`. Idempotent: an image that already exists is left alone (pass --force to rebuild).
set -euo pipefail

image="local/busybox:latest"
force="${1:-}"

if [[ "$force" != "--force" ]] && docker image inspect "$image" >/dev/null 2>&1; then
  echo "$image already present"
  exit 0
fi

busybox_bin=/bin/busybox
if ! "$busybox_bin" --list 2>/dev/null | grep -qx httpd || ! file -L "$busybox_bin" 2>/dev/null | grep -q static; then
  # The static build is the one that runs in an empty rootfs (no libc inside the image).
  if ! dpkg -s busybox-static >/dev/null 2>&1; then
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y busybox-static
  fi
fi

rootfs="$(mktemp -d)"
trap 'rm -rf "$rootfs"' EXIT
mkdir -p "$rootfs"/{bin,sbin,usr/bin,usr/sbin,etc,tmp,var/www,root,proc,sys,dev}
cp "$busybox_bin" "$rootfs/bin/busybox"
# Applet symlinks (sh, wget, httpd, ...) are made by busybox itself inside the new rootfs.
chroot "$rootfs" /bin/busybox --install -s
chmod 1777 "$rootfs/tmp"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$rootfs/etc/group"
echo '<html><body>nulecule busybox</body></html>' > "$rootfs/var/www/index.html"

tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["/bin/sh"]' \
  --change 'ENV PATH=/usr/sbin:/usr/bin:/sbin:/bin' \
  - "$image"
echo "built $image"
