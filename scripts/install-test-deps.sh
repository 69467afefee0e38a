#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing: the server's own desktop packages,
# real apps to drive (xterm), independent oracles (xdotool, wmctrl, xprop/xwininfo/xev, xclip,
# xsetroot, ImageMagick's `import`), chromium for the browser tests (driven by playwright-core;
# its own browser download is never used), openssl, ffmpeg (recordings; optional for the server).
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/install-desktop-deps.sh"
declare -A PACKAGE_OF=(
  [xterm]=xterm [xdotool]=xdotool [wmctrl]=wmctrl [xclip]=xclip [xprop]=x11-utils
  [xsetroot]=x11-xserver-utils [import]=imagemagick [chromium]=chromium [openssl]=openssl
  [ffmpeg]=ffmpeg [ffprobe]=ffmpeg
)
missing=()
for command in "${!PACKAGE_OF[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$command]}")
done
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install "${missing[@]}"
