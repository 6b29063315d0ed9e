#!/usr/bin/env bash
# Builds the kiosk's installable packages from bin/gradphoto:
#   dist/gradphoto_VERSION_ARCH.deb          (dpkg-deb; apt installs what it depends on)
#   dist/gradphoto-VERSION-linux-ARCH.tar.xz (the same files and install.sh)
# Both hold: usr/bin/gradphoto, usr/bin/gradphoto-kiosk (full screen, screen
# kept awake, restarted after a crash), the menu entry and icon, and the
# autostart entry that opens the kiosk after log-in. The .deb's Depends are
# read off the binary: the packages of the libraries it links to, plus the
# OCR language data and xset.
set -euo pipefail
bin=${1:-bin/gradphoto}
out=${2:-dist}
version=$(awk -F'"' '/Version/ {print $2; exit}' FyneApp.toml)
arch=$(dpkg --print-architecture)
name="gradphoto_${version}_${arch}"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/$name"

install -D -m 0755 "$bin" "$root/usr/bin/gradphoto"
install -D -m 0755 packaging/gradphoto-kiosk "$root/usr/bin/gradphoto-kiosk"
install -D -m 0644 packaging/gradphoto.desktop "$root/usr/share/applications/gradphoto.desktop"
install -D -m 0644 packaging/gradphoto-kiosk.desktop "$root/etc/xdg/autostart/gradphoto-kiosk.desktop"
install -D -m 0644 assets/icon.png "$root/usr/share/icons/hicolor/256x256/apps/gradphoto.png"
install -D -m 0644 README.md "$root/usr/share/doc/gradphoto/README.md"

# the packages of the libraries the binary links to
pkgs=()
cache=$(ldconfig -p)
for lib in $(objdump -p "$bin" | awk '/NEEDED/ {print $2}'); do
  path=$(awk -v l="$lib" '$1 == l {print $NF; exit}' <<<"$cache")
  [ -n "$path" ] || { echo "package: $lib not found" >&2; exit 1; }
  pkg=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null ||
        dpkg -S "/usr$(readlink -f "$path")" 2>/dev/null) || { echo "package: no package owns $path" >&2; exit 1; }
  pkgs+=("${pkg%%:*}")
done
pkgs+=(tesseract-ocr-eng tesseract-ocr-chi-sim x11-xserver-utils)
depends=$(printf '%s\n' "${pkgs[@]}" | sort -u | paste -sd, | sed 's/,/, /g')
size=$(du -sk "$root" | cut -f1)

mkdir -p "$root/DEBIAN"
cat >"$root/DEBIAN/control" <<CONTROL
Package: gradphoto
Version: $version
Architecture: $arch
Maintainer: GradPhoto <gradphoto@example.edu.cn>
Installed-Size: $size
Depends: $depends
Section: graphics
Priority: optional
Description: degree-certificate photo kiosk (学士学位证书图像采集)
 A touch-screen kiosk where graduates prove who they are, pay, are
 photographed with live guidance and get a photo that meets the official
 specification; it keeps everything in SQLite first and syncs to the
 school's server. Opens full screen after log-in (gradphoto-kiosk).
CONTROL

mkdir -p "$out"
dpkg-deb --root-owner-group -Zxz --build "$root" "$out/$name.deb" >/dev/null

# the tarball: the same files, their dependencies and an installer
rm -rf "$root/DEBIAN"
printf '%s\n' "${pkgs[@]}" | sort -u >"$root/DEPENDS"
cat >"$root/install.sh" <<'INSTALL'
#!/bin/sh
# Installs GradPhoto from this folder: the packages it needs (apt), then its
# files under /usr and the autostart entry under /etc/xdg. Run as root.
set -eu
cd "$(dirname "$0")"
apt-get install -y $(cat DEPENDS)
cp -r usr etc /
echo "GradPhoto installed: gradphoto-kiosk opens it full screen, and so will every log-in."
INSTALL
chmod 0755 "$root/install.sh"
tar -C "$stage" -cJf "$out/gradphoto-$version-linux-$arch.tar.xz" "$name"
echo "$out/$name.deb"
echo "$out/gradphoto-$version-linux-$arch.tar.xz"
