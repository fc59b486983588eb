#!/usr/bin/env bash
# The part of the official postgres image's entrypoint that this project's containers use, with
# the same variables and the same log: on an empty data directory it runs initdb as POSTGRES_USER
# with POSTGRES_PASSWORD, lets every host in with POSTGRES_HOST_AUTH_METHOD (scram-sha-256 unless
# set), creates POSTGRES_DB with a temporary server that listens on no TCP address, stops that
# server and then starts the real one. So "database system is ready to accept connections" is
# logged twice on a first start, as with the official image, and once on a restart.
set -Eeuo pipefail

if [ "${1:0:1}" = '-' ]; then
  set -- postgres "$@"
fi

# Started as root: own the data and socket directories, then run this script again as postgres.
# setpriv execs, so postgres becomes PID 1 and gets the stop signal itself.
if [ "$1" = 'postgres' ] && [ "$(id -u)" = '0' ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  chmod 3777 /var/run/postgresql
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ "$1" = 'postgres' ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  POSTGRES_USER=${POSTGRES_USER:-postgres}
  POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
  auth_method=${POSTGRES_HOST_AUTH_METHOD:-scram-sha-256}
  if [ -z "${POSTGRES_PASSWORD:-}" ] && [ "$auth_method" != 'trust' ]; then
    echo 'Error: POSTGRES_PASSWORD is not set. Set it, or POSTGRES_HOST_AUTH_METHOD=trust to let anyone who reaches the port in.' >&2
    exit 1
  fi
  # Word splitting of POSTGRES_INITDB_ARGS is what the official image does with it.
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "${POSTGRES_PASSWORD:-}") \
    ${POSTGRES_INITDB_ARGS:-}
  printf '\nhost all all all %s\n' "$auth_method" >>"$PGDATA/pg_hba.conf"
  printf "\nlisten_addresses = '*'\nunix_socket_directories = '/var/run/postgresql'\n" \
    >>"$PGDATA/postgresql.conf"

  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses=''" --wait start
  if [ "$POSTGRES_DB" != 'postgres' ]; then
    psql --set=ON_ERROR_STOP=1 --username="$POSTGRES_USER" --no-password --dbname=postgres \
      --set=db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait stop
  echo 'PostgreSQL init process complete; ready for start up.'
fi

exec "$@"
