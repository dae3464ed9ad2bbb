#!/usr/bin/env bash
# Builds the container image of the nulecule CLI itself, offline: `FROM scratch` with the NativeAOT
# binary (scripts/publish-aot.sh), the native SQLite library, the host's glibc/OpenSSL files it
# loads and its CA bundle, and the manual pages. No registry is asked for anything.
#
#   scripts/build-tool-image.sh [IMAGE]      default local/nulecule:VERSION, also tagged :latest
#   AOT=DIR scripts/build-tool-image.sh      use the binary in DIR (default out/aot; published if missing)
#
# Use it as Atomic App's image was used, against the host's engine (its socket is mounted):
#   docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v nulecule-state:/var/lib/nulecule \
#     -v "$PWD:$PWD" -w "$PWD" local/nulecule run APP
# or let `atomic run` / `podman container runlabel run` read that command from the RUN label.
set -euo pipefail
cd "$(dirname "$0")/.."

aot="${AOT:-out/aot}"
if [ ! -x "$aot/nulecule" ]; then
  bash scripts/publish-aot.sh "$aot"
fi
version="$("$aot/nulecule" --version)"
image="${1:-local/nulecule:$version}"
revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
epoch="${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}"
created="$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)"

context="out/image"
rm -rf "$context"
root="$context/rootfs"
mkdir -p "$root/opt/nulecule" "$root/tmp" "$root/var/lib/nulecule" "$root/root" "$root/etc/ssl/certs" "$root/usr/share/man/man1"
chmod 1777 "$root/tmp"
cp "$aot/nulecule" "$aot/libe_sqlite3.so" "$root/opt/nulecule/"

# The shared libraries the binary and SQLite link against, and OpenSSL, which .NET loads by name
# (dlopen) for TLS to a Kubernetes API server; each copied to the path it has here.
libs() { ldd "$@" | awk '/=> \// { print $3 } /^\t\/lib/ { print $1 }'; }
ssl=(/usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3)
for f in "${ssl[@]}"; do
  [ -f "$f" ] || { echo "build-tool-image: $f is missing (apt-get install libssl3)" >&2; exit 1; }
done
for lib in $(libs "$aot/nulecule" "$aot/libe_sqlite3.so" "${ssl[@]}" | sort -u) "${ssl[@]}"; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# The dynamic loader is found at the path the binary names (/lib64/ld-linux-x86-64.so.2).
if [ -L /lib64 ] || [ ! -d "$root/lib64" ]; then
  mkdir -p "$root/lib64"
  cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"
fi
cp -L /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
SOURCE_DATE_EPOCH="$epoch" "$aot/nulecule" manpage --output-dir "$root/usr/share/man/man1" >/dev/null

cat > "$context/Dockerfile" <<DOCKERFILE
FROM scratch
COPY rootfs/ /
ENV PATH=/opt/nulecule \\
    HOME=/root \\
    NULECULE_STATE_DIR=/var/lib/nulecule \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/usr/lib/x86_64-linux-gnu
VOLUME /var/lib/nulecule
ENTRYPOINT ["/opt/nulecule/nulecule"]
CMD ["--help"]
LABEL io.projectatomic.nulecule.atomicappversion="$version" \\
      io.projectatomic.nulecule.specversion="0.0.2" \\
      io.projectatomic.nulecule.providers="docker,kubernetes,openshift" \\
      org.opencontainers.image.title="nulecule" \\
      org.opencontainers.image.description="Deploys Nulecule applications to Docker, Kubernetes and OpenShift" \\
      org.opencontainers.image.version="$version" \\
      org.opencontainers.image.revision="$revision" \\
      org.opencontainers.image.created="$created" \\
      RUN="docker run --rm -v /var/run/docker.sock:/var/run/docker.sock -v nulecule-state:/var/lib/nulecule -v \\\${PWD}:\\\${PWD} -w \\\${PWD} \\\${OPT1} \\\${IMAGE} \\\${OPT2} run \\\${OPT3}"
DOCKERFILE

docker build -q -t "$image" "$context" >/dev/null
[ -z "${1:-}" ] && docker tag "$image" "local/nulecule:latest"
size="$(docker image inspect -f '{{.Size}}' "$image")"
echo "build-tool-image: $image, $size bytes ($((size / 1024 / 1024)) MiB)"
