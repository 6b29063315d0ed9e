#!/usr/bin/env bash
# Walks the kiosk's real window through its whole flow, in zh-CN and en, as
# a graduate alone at a touch screen: the kiosk full screen on a 1280×800
# Xvfb display, a fresh database with the demo graduate on the roster, no
# webcam (the demo clips play: the demo graduate's ID card, then a person
# sitting still), and tools/kioskwalk looking at the screen (Tesseract) and
# clicking the words it reads (xdotool) — no keyboard. A screenshot of every
# step lands in OUT. Fails where a graduate would be stuck, and unless each
# walk leaves exactly one submission in the database. Then once more in
# zh-CN (WALK_PAID_LANGS) with the kiosk enrolled with a reference server
# that takes payment (sandbox): the Service and Payment screens, the QR code
# read off the screen and paid as the graduate's phone would.
#
#   scripts/walk.sh [BIN] [OUT]
set -euo pipefail
bin=${1:-bin/gradphoto}
out=${2:-/tmp/gradphoto-walk}
walker=${WALKER:-}

if [ -z "${WALK_IN_XVFB:-}" ] && [ -z "${WALK_ON_DISPLAY:-}" ]; then
  # run this script again inside a 1280×800 Xvfb (WALK_ON_DISPLAY=1 walks
  # the display you have instead, to watch it)
  WALK_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$bin" "$out"
fi

mkdir -p "$out"
if [ -z "$walker" ]; then
  walker=$(mktemp -d)/kioskwalk
  go build -o "$walker" ./tools/kioskwalk
fi

server_bin=${SERVER_BIN:-}

# enrol DIR NAME: starts a reference server (sandbox payments) with its data
# in DIR/server and enrols the kiosk database DIR/kiosk.db with it.
enrol() {
  local dir=$1 name=$2 code url=""
  if [ -z "$server_bin" ]; then
    server_bin=$(mktemp -d)/gradphoto-server
    go build -o "$server_bin" ./cmd/gradphoto-server
  fi
  code=$("$server_bin" enrol-code --data "$dir/server")
  "$server_bin" serve --data "$dir/server" --listen 127.0.0.1:0 >"$out/server-$name.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do
    url=$(grep -o 'url=http://[0-9.:]*' "$out/server-$name.log" | head -1 | cut -d= -f2 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { echo "walk: the server did not start, see $out/server-$name.log" >&2; return 1; }
  XDG_DATA_HOME="$dir" "$bin" enrol --db "$dir/kiosk.db" --server "$url" "$code" >/dev/null
}

# walk LANG [paid]
walk() {
  local lang=$1 paid=${2:-} dir name=$1 flags=""
  dir=$(mktemp -d)
  server_pid=""
  trap 'rm -rf "$dir"' RETURN
  # the demo graduate (ui/demo.go), whose card the demo camera shows
  printf '姓名,身份证号,学号,学校,学院,专业,学位,毕业年份\n李晓明,110105200303150014,2022010123,华东示范大学,信息科学与技术学院,计算机科学与技术,工学学士,2026\n' >"$dir/roster.csv"
  XDG_DATA_HOME="$dir" "$bin" roster import --db "$dir/kiosk.db" "$dir/roster.csv" >/dev/null
  if [ -n "$paid" ]; then
    name="$lang-paid" flags="-pay"
    enrol "$dir" "$name"
  fi
  XDG_DATA_HOME="$dir" "$bin" --db "$dir/kiosk.db" --lang "$lang" --fullscreen >"$out/kiosk-$name.log" 2>&1 &
  local pid=$!
  local rc=0
  "$walker" -lang "$lang" -out "$out/$name" $flags ${WALK_FLAGS:-} || rc=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$rc" -ne 0 ]; then
    echo "walk ($name) stuck: see $out/$name and $out/kiosk-$name.log" >&2
    return "$rc"
  fi
  local n
  n=$(XDG_DATA_HOME="$dir" "$bin" manifest --db "$dir/kiosk.db" | grep -c '"kind":"standard"' || true)
  if [ "$n" != 1 ]; then
    echo "walk ($name): $n standard photos in the manifest, want 1" >&2
    XDG_DATA_HOME="$dir" "$bin" manifest --db "$dir/kiosk.db" >&2 || true
    return 1
  fi
  echo "walk ($name): one submission, screenshots in $out/$name"
}

for lang in ${WALK_LANGS:-zh-CN en}; do
  walk "$lang"
done
for lang in ${WALK_PAID_LANGS-zh-CN}; do
  walk "$lang" paid
done
