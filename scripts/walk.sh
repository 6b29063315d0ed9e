#!/usr/bin/env bash
# Walks the kiosk's real window through its whole flow, in zh-CN and en, as
# a graduate alone at a touch screen: the kiosk full screen on a 1280×800
# Xvfb display, a fresh database with the demo graduate on the roster, no
# webcam (the demo clips play: the demo graduate's ID card, then a person
# sitting still), and tools/kioskwalk looking at the screen (Tesseract) and
# clicking the words it reads (xdotool) — no keyboard. A screenshot of every
# step lands in OUT. Fails where a graduate would be stuck, and unless each
# walk leaves exactly one submission in the database.
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

walk() {
  local lang=$1 dir
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' RETURN
  # the demo graduate (ui/demo.go), whose card the demo camera shows
  printf '姓名,身份证号,学号,学校,学院,专业,学位,毕业年份\n李晓明,110105200303150014,2022010123,华东示范大学,信息科学与技术学院,计算机科学与技术,工学学士,2026\n' >"$dir/roster.csv"
  XDG_DATA_HOME="$dir" "$bin" roster import --db "$dir/kiosk.db" "$dir/roster.csv" >/dev/null
  XDG_DATA_HOME="$dir" "$bin" --db "$dir/kiosk.db" --lang "$lang" --fullscreen >"$out/kiosk-$lang.log" 2>&1 &
  local pid=$!
  local rc=0
  "$walker" -lang "$lang" -out "$out" ${WALK_FLAGS:-} || rc=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "walk ($lang) stuck: see $out and $out/kiosk-$lang.log" >&2
    return "$rc"
  fi
  local n
  n=$(XDG_DATA_HOME="$dir" "$bin" manifest --db "$dir/kiosk.db" | grep -c '"kind":"standard"' || true)
  if [ "$n" != 1 ]; then
    echo "walk ($lang): $n standard photos in the manifest, want 1" >&2
    XDG_DATA_HOME="$dir" "$bin" manifest --db "$dir/kiosk.db" >&2 || true
    return 1
  fi
  echo "walk ($lang): one submission, screenshots in $out"
}

for lang in ${WALK_LANGS:-zh-CN en}; do
  walk "$lang"
done
