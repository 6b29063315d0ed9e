#!/usr/bin/env bash
# The load test's figures on this machine, one run each (make loadtest):
# one instance on SQLite, one and two instances on one PostgreSQL (a
# throw-away one, scripts/pg.sh, fsync on). Each run on a fresh database;
# KIOSKS kiosks sync SUBMISSIONS submissions each, FAULTS of the requests
# faulted. Prints each run's JSON line.
set -euo pipefail
status=0
bin=${1:-bin/gradphoto-server}
kiosks=${KIOSKS:-50}
subs=${SUBMISSIONS:-10}
faults=${FAULTS:-0.1}
work=$(mktemp -d /tmp/gradphoto-loadtest.XXXXXX)
chmod 755 "$work" # the PostgreSQL server's user goes through it
pids=()
cleanup() {
  trap - EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  bash scripts/pg.sh stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

port() { shuf -i 20000-60000 -n 1; }
serve() { # serve DB-FLAGS... → its URL in $url
  local p; p=$(port)
  "$bin" serve "$@" --listen "127.0.0.1:$p" 2>>"$work/serve.log" &
  pids+=($!)
  url="http://127.0.0.1:$p"
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null && return; sleep 0.1; done
  echo "loadtest.sh: the server on $url did not start:" >&2
  tail -5 "$work/serve.log" >&2
  exit 1
}
run() { # run LABEL DB-FLAG DB TARGETS
  local label=$1 flag=$2 db=$3 targets=$4 line
  line=$("$bin" loadtest "$flag" "$db" --target "$targets" --kiosks "$kiosks" --submissions "$subs" \
    --faults "$faults" 2>>"$work/loadtest.log" | tail -1) || { tail -3 "$work/loadtest.log" >&2; status=1; }
  printf '%-24s %s\n' "$label" "$line"
}
stopall() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

mkdir -p "$work/sqlite"
serve --data "$work/sqlite"
run "sqlite, 1 instance" --data "$work/sqlite" "$url"
stopall

pg=$(bash scripts/pg.sh start "$work/pg")
db() { # a fresh database on the PostgreSQL: its URL
  psql -q "$pg" -c "CREATE DATABASE $1" >/dev/null
  echo "${pg/\/postgres\?//$1?}"
}
one=$(db one)
serve --db "$one"
run "postgres, 1 instance" --db "$one" "$url"
stopall
two=$(db two)
serve --db "$two"
a=$url
serve --db "$two"
run "postgres, 2 instances" --db "$two" "$a,$url"
exit $status
