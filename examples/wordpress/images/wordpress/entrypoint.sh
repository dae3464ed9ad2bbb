#!/bin/sh
# Writes /etc/wordpress/config-default.php from the environment, then runs apache2 in the foreground.
# Debian's wp-config.php picks config-<Host>.php by the request's Host header and falls back to
# config-default.php, so one default file serves the site under any host name or port.
set -eu

: "${WORDPRESS_DB_HOST:=mariadb}"
: "${WORDPRESS_DB_USER:?WORDPRESS_DB_USER is required}"
: "${WORDPRESS_DB_PASSWORD:=}"
: "${WORDPRESS_DB_NAME:=wordpress}"

# A PHP single-quoted string literal: only backslash and single quote need escaping.
php_string() {
  printf "'%s'" "$(printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/\\\\'/g")"
}
salt() {
  head -c 48 /dev/urandom | base64 | tr -d '\n'
}

config=/etc/wordpress/config-default.php
umask 027
{
  printf '%s\n' "<?php"
  printf '%s\n' "define('DB_NAME', $(php_string "$WORDPRESS_DB_NAME"));"
  printf '%s\n' "define('DB_USER', $(php_string "$WORDPRESS_DB_USER"));"
  printf '%s\n' "define('DB_PASSWORD', $(php_string "$WORDPRESS_DB_PASSWORD"));"
  printf '%s\n' "define('DB_HOST', $(php_string "$WORDPRESS_DB_HOST"));"
  printf '%s\n' "define('WP_CONTENT_DIR', '/var/lib/wordpress/wp-content');"
  for key in AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT; do
    printf '%s\n' "define('$key', $(php_string "$(salt)"));"
  done
} > "$config.tmp"
chgrp www-data "$config.tmp"
mv "$config.tmp" "$config"
umask 022

# envvars reads unset variables.
set +u
. /etc/apache2/envvars
set -u
mkdir -p "$APACHE_RUN_DIR" "$APACHE_LOCK_DIR" "$APACHE_LOG_DIR"
rm -f "$APACHE_PID_FILE"
exec apache2 -DFOREGROUND "$@"
