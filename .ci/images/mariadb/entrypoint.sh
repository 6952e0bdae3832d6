#!/bin/bash
# What Testcontainers' MariaDBContainer expects of the official image: MARIADB_* (or MYSQL_*) DATABASE, USER, PASSWORD
# and ROOT_PASSWORD set up on first start; it waits by connecting over JDBC. The setup runs as the server's
# --init-file, before it accepts connections, so no second server start is needed. A restarted container finds its
# datadir and only starts the server.
set -euo pipefail
db=${MARIADB_DATABASE:-${MYSQL_DATABASE:-}}
user=${MARIADB_USER:-${MYSQL_USER:-}}
password=${MARIADB_PASSWORD:-${MYSQL_PASSWORD:-}}
root_password=${MARIADB_ROOT_PASSWORD:-${MYSQL_ROOT_PASSWORD:-}}
allow_empty=${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:-${MYSQL_ALLOW_EMPTY_PASSWORD:-}}
datadir=/var/lib/mysql
sql() { printf '%s' "$1" | sed "s/'/''/g"; }
args=()
if [ "${1:-}" = mariadbd ] && [ ! -d "$datadir/mysql" ]; then
  if [ -z "$root_password" ] && [ -z "$allow_empty" ]; then
    echo "MARIADB_ROOT_PASSWORD (or MYSQL_ROOT_PASSWORD), or MARIADB_ALLOW_EMPTY_ROOT_PASSWORD, is required" >&2
    exit 1
  fi
  mariadb-install-db --datadir="$datadir" --auth-root-authentication-method=normal --skip-test-db \
    --skip-name-resolve >/dev/null
  init=$datadir/.init.sql
  {
    echo "SET @@SESSION.SQL_LOG_BIN=0;"
    echo "DROP USER IF EXISTS ''@'localhost';"
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$(sql "$root_password")';"
    echo "CREATE USER 'root'@'%' IDENTIFIED BY '$(sql "$root_password")';"
    echo "GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    [ -n "$db" ] && echo "CREATE DATABASE IF NOT EXISTS \`$db\`;"
    if [ -n "$user" ] && [ "$user" != root ]; then
      echo "CREATE USER '$(sql "$user")'@'%' IDENTIFIED BY '$(sql "$password")';"
      [ -n "$db" ] && echo "GRANT ALL ON \`$db\`.* TO '$(sql "$user")'@'%';"
    fi
    echo "FLUSH PRIVILEGES;"
  } > "$init"
  args+=(--init-file="$init")
fi
if [ "${1:-}" = mariadbd ]; then
  shift
  exec mariadbd --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 --skip-name-resolve --skip-log-bin \
    --socket=/run/mysqld/mysqld.sock ${args[@]+"${args[@]}"} "$@"
fi
exec "$@"
