#!/bin/bash
# Healthy when apache answers and WordPress reaches its database: without the database WordPress
# answers 500 ("Error establishing a database connection"); before installation `/` is a 302.
exec 3<>/dev/tcp/127.0.0.1/80 || exit 1
printf 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
IFS= read -r -t 5 status <&3 || { echo "no answer"; exit 1; }
case "$status" in
  HTTP/*" 200 "* | HTTP/*" 30"[0-9]" "*) exit 0 ;;
  *) echo "${status%$'\r'}"; exit 1 ;;
esac
