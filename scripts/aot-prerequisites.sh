# Sourced by the scripts that compile NativeAOT (publish-aot.sh, pack.sh): NativeAOT links with
# clang and needs zlib's headers/static library. Installs what is missing (apt).
aot_prerequisites() {
  local missing=()
  command -v clang >/dev/null 2>&1 || missing+=(clang)
  dpkg -s zlib1g-dev >/dev/null 2>&1 || missing+=(zlib1g-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing NativeAOT prerequisites: ${missing[*]}" >&2
    if [ "$(id -u)" -eq 0 ]; then apt-get install -y "${missing[@]}"; else sudo apt-get install -y "${missing[@]}"; fi
  fi
}

# Fails (exit 3) when a build log holds trim (IL2xxx) or AOT (IL3xxx) analysis warnings: those
# mean the binary may misbehave where reflection or dynamic code was cut away.
aot_warnings_fail() {
  local log="$1" what="$2" warnings
  warnings="$(grep -E '(warning|error) IL[0-9]{4}' "$log" | sort -u || true)"
  if [ -n "$warnings" ]; then
    echo >&2
    echo "$what: $(printf '%s\n' "$warnings" | wc -l) trim/AOT warning(s):" >&2
    printf '%s\n' "$warnings" >&2
    return 3
  fi
}
