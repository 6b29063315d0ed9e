#!/usr/bin/env bash
# A throw-away PostgreSQL from Debian's postgresql package, in a folder:
#   scripts/pg.sh start DIR   initdb + pg_ctl start on a free port, its socket
#                             in DIR, no TCP; prints the database's URL
#   scripts/pg.sh stop DIR    stops it and removes DIR
# As root it runs the server as the postgres user. PG_FSYNC=off (tests)
# trades durability for speed.
set -euo pipefail
export LC_ALL=C.UTF-8 # whatever the caller's locale, one that exists
cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: scripts/pg.sh start|stop DIR" >&2; exit 2; }
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "pg.sh: no PostgreSQL in /usr/lib/postgresql (apt-get install postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case $cmd in
start)
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  as_owner "$bin/initdb" -D "$dir/data" -U gradphoto -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  port=""
  for p in $(shuf -i 20000-60000 -n 50); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && [ ! -e "$dir/.s.PGSQL.$p" ]; then port=$p; break; fi
  done
  [ -n "$port" ] || { echo "pg.sh: no free port" >&2; exit 1; }
  opts="-p $port -k $dir -c listen_addresses='' -c max_connections=200 -c fsync=${PG_FSYNC:-on}"
  as_owner "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w start >/dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  echo "$port" >"$dir/port"
  echo "postgres://gradphoto@/postgres?host=$dir&port=$port&sslmode=disable"
  ;;
stop)
  [ -d "$dir/data" ] && as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: scripts/pg.sh start|stop DIR" >&2
  exit 2
  ;;
esac
