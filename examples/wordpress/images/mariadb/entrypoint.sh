#!/bin/sh
# Initialises an empty datadir from the environment, then runs mariadbd in the foreground on 0.0.0.0:3306.
set -eu
datadir=/var/lib/mysql
socket=/run/mysqld/mysqld.sock
mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "$datadir"

# SQL string literal: backslashes and single quotes doubled/escaped, so any password is safe.
sql_string() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}
# dash's echo interprets backslashes; statements go through this instead.
line() {
  printf '%s\n' "$1"
}
# SQL identifier in backquotes.
sql_ident() {
  printf '`%s`' "$(printf '%s' "$1" | sed -e 's/`/``/g')"
}

if [ ! -d "$datadir/mysql" ]; then
  echo "entrypoint: initialising $datadir"
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db >/dev/null
  # A private server without networking, only long enough to create the database and users.
  mariadbd --user=mysql --datadir="$datadir" --skip-networking --socket="$socket" &
  pid=$!
  i=0
  until mariadb-admin --socket="$socket" ping --silent >/dev/null 2>&1; do
    i=$((i + 1))
    if [ "$i" -gt 60 ]; then echo "entrypoint: the server did not start" >&2; exit 1; fi
    sleep 1
  done
  {
    if [ -n "${MYSQL_ROOT_PASSWORD:-}" ]; then
      # Root keeps socket login (docker exec ... mysql) and gains a password for TCP.
      line "ALTER USER root@localhost IDENTIFIED VIA unix_socket OR mysql_native_password USING PASSWORD($(sql_string "$MYSQL_ROOT_PASSWORD"));"
    fi
    if [ -n "${MYSQL_DATABASE:-}" ]; then
      line "CREATE DATABASE IF NOT EXISTS $(sql_ident "$MYSQL_DATABASE") CHARACTER SET utf8mb4;"
    fi
    if [ -n "${MYSQL_USER:-}" ]; then
      line "CREATE USER $(sql_string "$MYSQL_USER")@'%' IDENTIFIED BY $(sql_string "${MYSQL_PASSWORD:-}");"
      if [ -n "${MYSQL_DATABASE:-}" ]; then
        line "GRANT ALL ON $(sql_ident "$MYSQL_DATABASE").* TO $(sql_string "$MYSQL_USER")@'%';"
      fi
    fi
    # For the health check only: no password, no privileges, reachable only from inside the container.
    for host in localhost 127.0.0.1 ::1; do
      line "CREATE USER healthcheck@'$host';"
    done
    line "FLUSH PRIVILEGES;"
  } | mariadb --socket="$socket" -uroot
  mariadb-admin --socket="$socket" -uroot shutdown
  wait "$pid" || true
  echo "entrypoint: initialised"
fi

exec mariadbd --user=mysql --datadir="$datadir" --socket="$socket" --bind-address=0.0.0.0 --port=3306 "$@"
