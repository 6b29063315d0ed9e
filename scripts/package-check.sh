#!/usr/bin/env bash
# Checks the packages scripts/package.sh made, as a kiosk PC would use them:
# the .desktop files are valid; the .deb installs with apt; gradphoto-kiosk
# opens the kiosk full screen on an X display with screen blanking and
# power saving off, starts it again after a crash (SIGKILL), and gives the
# screen its blanking back when it ends. The package is removed afterwards.
set -euo pipefail
dist=${1:-dist}
deb=$(ls "$dist"/gradphoto_*.deb)
tarball=$(ls "$dist"/gradphoto-*.tar.xz)
fail() { echo "package-check: $*" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  [ -n "${kiosk:-}" ] && kill "$kiosk" 2>/dev/null || true
  pkill -f "gradphoto --fullscreen --db $work" 2>/dev/null || true
  [ -n "${xvfb:-}" ] && kill "$xvfb" 2>/dev/null || true
  apt-get remove -y -qq gradphoto >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

dpkg-deb -x "$deb" "$work/deb"
desktop-file-validate "$work/deb/usr/share/applications/gradphoto.desktop" \
  "$work/deb/etc/xdg/autostart/gradphoto-kiosk.desktop" || fail "a .desktop file is not valid"
grep -q '^Exec=gradphoto-kiosk$' "$work/deb/etc/xdg/autostart/gradphoto-kiosk.desktop" || fail "autostart does not run gradphoto-kiosk"
files=$(tar -tJf "$tarball")
grep -q '/install.sh$' <<<"$files" || fail "the tarball has no install.sh"
grep -q '/usr/bin/gradphoto$' <<<"$files" || fail "the tarball has no gradphoto"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo=sudo
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$(readlink -f "$deb")" >/dev/null
command -v gradphoto-kiosk >/dev/null || fail "gradphoto-kiosk is not on PATH after install"

# -displayfd: Xvfb takes a free display and writes its number when ready
Xvfb -displayfd 3 -screen 0 1280x800x24 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
for _ in $(seq 50); do [ -s "$work/display" ] && break; sleep 0.1; done
[ -s "$work/display" ] || fail "Xvfb did not start"
export DISPLAY=:$(head -1 "$work/display")
xset s 600 s blank
xset +dpms 2>/dev/null || true # Xvfb has no DPMS: then only blanking is checked
HOME="$work" gradphoto-kiosk --db "$work/kiosk.db" >"$work/kiosk.log" 2>&1 &
kiosk=$!

window() { xwininfo -root -children 2>/dev/null | awk '/"(学位证书图像采集|Degree certificate photos)"/ {print $1; exit}'; }
for _ in $(seq 300); do [ -n "$(window)" ] && break; sleep 0.1; done
id=$(window)
[ -n "$id" ] || { cat "$work/kiosk.log" >&2; fail "no kiosk window"; }
sleep 1
size=$(xwininfo -id "$id" | awk '/Width:/ {w=$2} /Height:/ {h=$2} END {print w "x" h}')
[ "$size" = "1280x800" ] || fail "the kiosk is $size, not full screen (1280x800)"
xset q | grep -q 'timeout:  0' || fail "screen blanking is still on: $(xset q | grep timeout)"
if xset q | grep -q 'DPMS is'; then
  xset q | grep -q 'DPMS is Disabled' || fail "power saving is still on"
fi

first=$(pgrep -f "gradphoto --fullscreen --db $work")
kill -9 "$first"
for _ in $(seq 100); do
  again=$(pgrep -f "gradphoto --fullscreen --db $work" || true)
  [ -n "$again" ] && [ "$again" != "$first" ] && break
  sleep 0.1
done
[ -n "$again" ] && [ "$again" != "$first" ] || fail "the kiosk was not started again after a crash"

kill -TERM "$kiosk"
wait "$kiosk" 2>/dev/null || true
kiosk=""
pkill -f "gradphoto --fullscreen --db $work" || true
xset q | grep -q 'timeout:  600' || fail "screen blanking was not given back: $(xset q | grep timeout)"
echo "package-check: ok ($(basename "$deb"), $(du -h "$deb" | cut -f1); full screen, awake, restarted after a crash)"
