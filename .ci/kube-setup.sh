#!/usr/bin/env bash
# Brings up the local Kubernetes test bed and makes sure the test image exists.
#   eval "$(.ci/kube-setup.sh)"     # exports KUBECONFIG into the calling shell
#   .ci/kube-setup.sh image          # only (re)create local/busybox:latest when missing
# Idempotent: `kube up` is a no-op when the cluster is up, the image is built only when missing.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# The test bed sits next to the repository (../shared from the repo root); from a worktree
# deeper down, look further up.
KUBE=${KUBE_TESTBED:-}
if [ -z "$KUBE" ]; then
  d=$HERE/..
  for _ in 1 2 3 4; do
    d=$d/..
    if [ -x "$d/shared/testbed/kube" ]; then KUBE=$(cd "$d/shared/testbed" && pwd)/kube; break; fi
  done
  [ -n "$KUBE" ] || { echo "kube-setup: cannot find shared/testbed/kube above $HERE (set KUBE_TESTBED)" >&2; exit 1; }
fi
IMAGE=${TESTBED_IMAGE:-local/busybox:latest}

ensure_image() { # a busybox-static root fs with every applet linked, imported into Docker
  docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
  local bin tmp r a
  bin=$(command -v busybox || true)
  if [ -z "$bin" ] || ! file -L "$bin" 2>/dev/null | grep -q 'statically linked'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q busybox-static >&2
    bin=$(dpkg -L busybox-static | grep -m1 '/bin/busybox$')
  fi
  tmp=$(mktemp -d); r=$tmp/rootfs
  mkdir -p "$r"/bin "$r"/etc "$r"/root "$r"/proc "$r"/sys "$r"/dev "$r"/tmp; chmod 1777 "$r"/tmp
  cp "$bin" "$r"/bin/busybox
  for a in $("$r"/bin/busybox --list-full); do
    [ "$a" = bin/busybox ] && continue
    mkdir -p "$r/$(dirname "$a")"; ln -sf /bin/busybox "$r/$a"
  done
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > "$r"/etc/passwd
  printf 'root:x:0:\nnogroup:x:65534:\n' > "$r"/etc/group
  tar -C "$r" -cf "$tmp/rootfs.tar" .
  docker import --change 'CMD ["sh"]' "$tmp/rootfs.tar" "$IMAGE" >/dev/null
  rm -rf "$tmp"
  echo "kube-setup: created image $IMAGE" >&2
}

if [ "${1:-}" = image ]; then ensure_image; exit 0; fi

# Only the export line goes to stdout, so `eval "$(...)"` works.
export_line=$("$KUBE" up | tail -n 1)
ensure_image
echo "$export_line"
