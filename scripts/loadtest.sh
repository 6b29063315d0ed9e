#!/usr/bin/env bash
# The load test's figures on this machine, one run each (make loadtest),
# each on a fresh database; KIOSKS kiosks sync SUBMISSIONS submissions
# each, FAULTS of the requests faulted. Prints each run's JSON line.
#
#   - flat out (every kiosk sends all it has at once): one instance on
#     SQLite, one and two on one PostgreSQL (a throw-away one, scripts/pg.sh,
#     fsync on) — the most the machine takes;
#   - paced at RATE submissions/s over all kiosks (each kiosk syncing as a
#     graduate confirms, as at a real kiosk): one and two instances on
#     PostgreSQL — the latency at that load;
#   - flat out with each instance held to INSTANCE_CPU of a core (a CPU
#     quota in a cgroup, when this machine lets us make one): one and two
#     instances — what a second instance adds when the instances, not the
#     database or the machine, are what runs out (as with instances on
#     machines of their own). INSTANCE_CPU=0 skips these.
set -euo pipefail
status=0
bin=${1:-bin/gradphoto-server}
kiosks=${KIOSKS:-50}
subs=${SUBMISSIONS:-10}
faults=${FAULTS:-0.1}
rate=${RATE:-25}
cap=${INSTANCE_CPU:-0.25}
work=$(mktemp -d /tmp/gradphoto-loadtest.XXXXXX)
chmod 755 "$work" # the PostgreSQL server's user goes through it
pids=()
groups=()
cleanup() {
  trap - EXIT
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  bash scripts/pg.sh stop "$work/pg" 2>/dev/null || true
  for g in "${groups[@]}"; do rmdir "$g" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

served=0
serve() { # serve DB-FLAGS... → its URL in $url; held to $quota of a core when set
  local log="$work/serve-$((served += 1)).log" line
  : >"$log"
  # port 0: the system picks a free port, and the server logs it
  "$bin" serve "$@" --listen 127.0.0.1:0 2>"$log" &
  pids+=($!)
  [ -n "${quota:-}" ] && limit $! "$quota"
  for _ in $(seq 100); do
    line=$(grep -m1 'msg=listening' "$log" || true)
    if [ -n "$line" ]; then
      url=${line##*url=}
      return
    fi
    kill -0 "${pids[-1]}" 2>/dev/null || break # it stopped: no use waiting
    sleep 0.1
  done
  echo "loadtest.sh: a server did not start:" >&2
  tail -5 "$log" >&2
  exit 1
}
limit() { # limit PID CORES: a cgroup (v1 cpu or v2) with that CPU quota
  local g period=100000 q
  q=$(awk -v c="$2" 'BEGIN { printf "%d", c * 100000 }')
  if [ -w /sys/fs/cgroup/cpu ]; then
    g=/sys/fs/cgroup/cpu/gradphoto-loadtest-$1
    mkdir "$g" && echo "$q" >"$g/cpu.cfs_quota_us"
  else
    g=/sys/fs/cgroup/gradphoto-loadtest-$1
    mkdir "$g" && echo "$q $period" >"$g/cpu.max"
  fi
  groups+=("$g")
  echo "$1" >"$g/cgroup.procs"
}
can_limit() { # whether this machine lets us make a cgroup with a CPU quota
  local g
  for g in /sys/fs/cgroup/cpu /sys/fs/cgroup; do
    if [ -w "$g" ] && { [ -e "$g/cpu.cfs_quota_us" ] || grep -qw cpu "$g/cgroup.subtree_control" 2>/dev/null; }; then
      return 0
    fi
  done
  return 1
}
run() { # run LABEL DB-FLAG DB TARGETS [LOADTEST-FLAGS...]
  local label=$1 flag=$2 db=$3 targets=$4 line
  shift 4
  line=$("$bin" loadtest "$flag" "$db" --target "$targets" --kiosks "$kiosks" --submissions "$subs" \
    --faults "$faults" "$@" 2>>"$work/loadtest.log" | tail -1) || { tail -3 "$work/loadtest.log" >&2; status=1; }
  printf '%-46s %s\n' "$label" "$line"
}
stopall() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; pids=(); }

mkdir -p "$work/sqlite"
serve --data "$work/sqlite"
run "sqlite, 1 instance" --data "$work/sqlite" "$url"
stopall

pg=$(bash scripts/pg.sh start "$work/pg")
db() { # a fresh database on the PostgreSQL: its URL
  # the runs before leave dirty pages; a checkpoint now writes them out
  # before this run, not during it
  psql -q "$pg" -c "CHECKPOINT" -c "CREATE DATABASE $1" >/dev/null
  echo "${pg/\/postgres\?//$1?}"
}
pair() { # pair NAME LABEL [LOADTEST-FLAGS...]: one, then two instances on fresh databases
  local name=$1 label=$2 d a
  shift 2
  d=$(db "${name}1")
  serve --db "$d"
  run "postgres, 1 instance$label" --db "$d" "$url" "$@"
  stopall
  d=$(db "${name}2")
  serve --db "$d"
  a=$url
  serve --db "$d"
  run "postgres, 2 instances$label" --db "$d" "$a,$url" "$@"
  stopall
}
pair flat ""
pair paced ", paced $rate/s" --rate "$rate"
if [ "$cap" != 0 ]; then
  if can_limit; then
    quota=$cap
    pair capped ", each held to $cap core"
    quota=
  else
    echo "loadtest.sh: no CPU quota can be set here (cgroups not writable): the runs with INSTANCE_CPU are skipped" >&2
  fi
fi
exit $status
