#!/usr/bin/env bash
# Writes docs/screenshots/SCREEN-LANG.png for every demo screen in zh-CN and
# en: the real kiosk window (OpenGL) on an Xvfb display, grabbed with
# ImageMagick's import once the window is mapped and has painted.
set -euo pipefail
bin=${1:-bin/gradphoto}
out=${2:-docs/screenshots}
mkdir -p "$out"

shoot_all() {
  for s in $("$bin" --screen list); do
    for l in zh-CN en; do
      shoot "$s" "$l" "$out/$s-$l.png"
    done
  done
}

# shoot SCREEN LANG FILE: open the screen, wait for its window, grab it;
# one more try when the window does not come (the app's log is kept).
shoot() {
  shoot_once "$@" || shoot_once "$@"
}

shoot_once() {
  local log="${3%.png}.log"
  "$bin" --screen "$1" --lang "$2" >"$log" 2>&1 &
  local pid=$! id=""
  for _ in $(seq 300); do # up to 30 s on a busy machine
    id=$(xwininfo -root -children 2>/dev/null | awk '/"(学位证书图像采集|Degree certificate photos)"/ {print $1; exit}')
    [ -n "$id" ] && break
    sleep 0.1
  done
  if [ -z "$id" ]; then
    kill "$pid" 2>/dev/null || true
    echo "no window for $1 ($2), see $log" >&2
    return 1
  fi
  sleep 1.5 # let it paint
  case "$1" in
    capture) sleep 5.0 ;; # the demo clip's person has settled: the countdown shows
  esac
  import -window "$id" "$3"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  rm -f "$log"
  echo "$3"
}

if [ -n "${DISPLAY:-}" ]; then
  shoot_all
else
  # run this script again inside Xvfb (it then has a DISPLAY)
  xvfb-run -a -s "-screen 0 1280x1024x24" bash "$0" "$bin" "$out"
fi
