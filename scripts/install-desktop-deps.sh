#!/usr/bin/env bash
# Debian packages for a virtual X11 desktop (Xvfb + openbox) and the X tools the server and the
# tests use, installed only when missing. Runs as root, or through sudo.
set -euo pipefail
declare -A PACKAGE_OF=(
  [Xvfb]=xvfb [openbox]=openbox [xterm]=xterm [xdotool]=xdotool [wmctrl]=wmctrl
  [xclip]=xclip [xsel]=xsel [xprop]=x11-utils [xmodmap]=x11-xserver-utils [xwallpaper]=xwallpaper
  [xdg-open]=xdg-utils
)
missing=()
for command in "${!PACKAGE_OF[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$command]}")
done
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install "${missing[@]}"
