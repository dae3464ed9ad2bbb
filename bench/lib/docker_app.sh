# The Docker benchmark apps (sourced by bench/docker-compare.sh and bench/docker-profile.sh).
# What every container runs: sleeps, and exits at once on SIGTERM (as a well-behaved service does).
docker_bench_payload='trap "exit 0" TERM; sleep 3600 & wait'

# docker_bench_app APP COMPOSE N IMAGE [SHAPE]: the same N containers as a Nulecule app in APP and
# as a compose file in COMPOSE/docker-compose.yml. SHAPE independent (default): sNNN, one `docker
# run` line each. SHAPE pairs: N/2 pairs, dNNN, then aNNN naming it in its environment
# (DB_HOST=dNNN; in the compose file aNNN depends_on dNNN).
docker_bench_app() {
  local app="$1" compose="$2" n="$3" image="$4" shape="${5:-independent}" payload="$docker_bench_payload" i s
  rm -rf "$app" "$compose"
  mkdir -p "$app/artifacts" "$compose"
  if [ "$shape" = pairs ]; then
    {
      printf 'specversion: 0.0.2\nid: bench-docker\nmetadata:\n  name: bench-docker\ngraph:\n'
      for ((i = 0; i < n / 2; i++)); do
        for s in $(printf 'd%03d a%03d' "$i" "$i"); do
          printf '  - name: %s\n    artifacts:\n      docker:\n        - file://artifacts/%s\n' "$s" "$s"
        done
        printf "docker run -d --name d%03d %s sh -c '%s'\n" "$i" "$image" "$payload" >"$app/artifacts/$(printf 'd%03d' "$i")"
        printf "docker run -d --name a%03d -e DB_HOST=d%03d %s sh -c '%s'\n" "$i" "$i" "$image" "$payload" >"$app/artifacts/$(printf 'a%03d' "$i")"
      done
    } >"$app/Nulecule"
    {
      printf 'version: "2.4"\nservices:\n'
      for ((i = 0; i < n / 2; i++)); do
        printf '  d%03d:\n    image: %s\n    command: ["sh", "-c", %s]\n' "$i" "$image" "'$payload'"
        printf '  a%03d:\n    image: %s\n    command: ["sh", "-c", %s]\n    environment: ["DB_HOST=d%03d"]\n    depends_on: [d%03d]\n' "$i" "$image" "'$payload'" "$i" "$i"
      done
    } >"$compose/docker-compose.yml"
    return
  fi
  {
    printf 'specversion: 0.0.2\nid: bench-docker\nmetadata:\n  name: bench-docker\ngraph:\n'
    for ((i = 0; i < n; i++)); do
      s=$(printf 's%03d' "$i")
      printf '  - name: %s\n    artifacts:\n      docker:\n        - file://artifacts/%s\n' "$s" "$s"
      printf "docker run -d --name %s %s sh -c '%s'\n" "$s" "$image" "$payload" >"$app/artifacts/$s"
    done
  } >"$app/Nulecule"
  {
    printf 'version: "2.4"\nservices:\n'
    for ((i = 0; i < n; i++)); do
      printf '  s%03d:\n    image: %s\n    command: ["sh", "-c", %s]\n' "$i" "$image" "'$payload'"
    done
  } >"$compose/docker-compose.yml"
}
