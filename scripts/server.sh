#!/usr/bin/env bash
# Starts the reference server on 127.0.0.1:8080 with its data in DIR, after
# printing an enrolment code for a kiosk and the reviewer page with the
# password of a first reviewer ("reviewer", every school). Ctrl-C stops it.
set -euo pipefail
bin=${1:-bin/gradphoto-server}
data=${2:-server-data}
listen=${LISTEN:-127.0.0.1:8080}
mkdir -p "$data"
code=$("$bin" enrol-code --data "$data")
if [ ! -f "$data/.reviewer" ]; then
  pw=$("$bin" reviewer add --data "$data" reviewer)
  echo "$pw" > "$data/.reviewer"
  chmod 600 "$data/.reviewer"
fi
cat <<MSG
GradPhoto reference server — data in $data
  enrol a kiosk:  gradphoto enrol --server http://$listen $code
  review:         http://$listen/review/   user: reviewer   password: $(cat "$data/.reviewer")
MSG
exec "$bin" serve --data "$data" --listen "$listen"
