#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a local Unix socket, then stop and delete it.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]   (DATABASE_URL is set for the command)
# Exit status 3 means "PostgreSQL is not available on this machine" (the caller decides whether to skip).
set -euo pipefail

find_pg_bin() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"; return 0
  fi
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then echo "$dir"; return 0; fi
  done
  return 1
}

if ! PG_BIN="$(find_pg_bin)"; then
  echo "with-postgres: initdb/pg_ctl not found" >&2
  exit 3
fi

WORK="$(mktemp -d /tmp/trama-pg.XXXXXX)"
DATA="$WORK/data"
SOCK="$WORK/sock"
mkdir -p "$SOCK"

# initdb refuses to run as root: run the server as the postgres system user in that case.
RUN_AS=()
if [ "$(id -u)" = "0" ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "with-postgres: running as root and there is no 'postgres' user to run the server" >&2
    exit 3
  fi
  chown -R postgres "$WORK"
  chmod 755 "$WORK"
  RUN_AS=(runuser -u postgres --)
fi

cleanup() {
  "${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

"${RUN_AS[@]}" "$PG_BIN/initdb" -D "$DATA" -U trama --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$WORK/initdb.log" 2>&1 \
  || { cat "$WORK/initdb.log" >&2; exit 1; }
"${RUN_AS[@]}" "$PG_BIN/pg_ctl" -D "$DATA" -l "$WORK/server.log" -w -t 60 \
  -o "-k $SOCK -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
  || { cat "$WORK/server.log" >&2; exit 1; }

export DATABASE_URL="postgresql://trama@/trama_main?host=$SOCK"
"${RUN_AS[@]}" "$PG_BIN/createdb" -h "$SOCK" -U trama trama_main
echo "with-postgres: PostgreSQL $("$PG_BIN/pg_ctl" --version | awk '{print $3}') on $SOCK"
set +e
"$@"
status=$?
set -e
exit $status
