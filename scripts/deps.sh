#!/usr/bin/env bash
# Installs the system packages GradPhoto needs to build, test and run, when
# they are missing. Idempotent: does nothing when all are present.
set -euo pipefail

packages=(
  gcc pkg-config                                 # cgo
  libgl1-mesa-dev xorg-dev libxkbcommon-dev      # Fyne (GLFW, OpenGL)
  libopencv-dev opencv-data                      # gocv (OpenCV 4.6) and its Haar cascades
  xvfb xauth x11-utils imagemagick xdotool       # headless display for tests, screenshots and the walk
  fonts-droid-fallback                           # source of the embedded CJK font
  chromium-headless-shell                        # the reviewer pages' browser test (chromedp)
  tesseract-ocr tesseract-ocr-chi-sim libtesseract-dev  # reading the ID card (gosseract)
  binutils xz-utils desktop-file-utils x11-xserver-utils # make package and its check
  postgresql                                     # the server's tests on PostgreSQL (scripts/pg.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
