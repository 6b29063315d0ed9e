#!/usr/bin/env bash
# Starts the reference server on 127.0.0.1:8080 with its data in DIR, after
# printing an enrolment code for a kiosk and the reviewer page with the
# password of a first reviewer ("reviewer", every school). Ctrl-C stops it.
# With DB=postgres://… the database is that one (DIR keeps the password).
set -euo pipefail
bin=${1:-bin/gradphoto-server}
data=${2:-server-data}
listen=${LISTEN:-127.0.0.1:8080}
mkdir -p "$data"
where=(--data "$data")
[ -n "${DB:-}" ] && where=(--db "$DB")
code=$("$bin" enrol-code "${where[@]}")
if [ ! -f "$data/.reviewer" ]; then
  pw=$("$bin" reviewer add "${where[@]}" reviewer)
  echo "$pw" > "$data/.reviewer"
  chmod 600 "$data/.reviewer"
fi
cat <<MSG
GradPhoto reference server — data in ${DB:-$data}
  enrol a kiosk:  gradphoto enrol --server http://$listen $code
  review:         http://$listen/review/   user: reviewer   password: $(cat "$data/.reviewer")
MSG
exec "$bin" serve "${where[@]}" --listen "$listen"
