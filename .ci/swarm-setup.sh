#!/usr/bin/env bash
# The swarm provider's tests need the Docker engine to be a swarm manager; the other Docker tests
# do not mind. Turns swarm mode on only when it is off, and off again only when it turned it on:
#
#   state=$(bash .ci/swarm-setup.sh on)    # prints "was-inactive" (it initialised the swarm) or "was-active"
#   bash .ci/swarm-setup.sh off "$state"   # leaves the swarm only after "was-inactive"
set -euo pipefail

state() { docker info --format '{{.Swarm.LocalNodeState}}' 2>/dev/null || echo unknown; }

case "${1:-on}" in
  on)
    now=$(state)
    if [ "$now" = inactive ]; then
      # One node, loopback only: no other host can join, and nothing listens beyond this machine.
      docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null
      echo was-inactive
    else
      echo was-active
    fi
    ;;
  off)
    if [ "${2:-}" = was-inactive ] && [ "$(state)" != inactive ]; then
      docker swarm leave --force >/dev/null
      # swarm init made this bridge for the tasks' outbound traffic; leaving does not remove it.
      if [ "$(docker network inspect docker_gwbridge --format '{{len .Containers}}' 2>/dev/null)" = 0 ]; then
        docker network rm docker_gwbridge >/dev/null
      fi
    fi
    ;;
  *)
    echo "usage: $0 on | off was-inactive|was-active" >&2
    exit 2
    ;;
esac
