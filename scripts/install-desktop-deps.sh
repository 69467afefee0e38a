#!/usr/bin/env bash
# Debian packages for a virtual X11 desktop (Xvfb + openbox) and the X tools the server and the
# tests use, installed only when missing. Runs as root, or through sudo.
set -euo pipefail
declare -A PACKAGE_OF=(
  [Xvfb]=xvfb [openbox]=openbox [xterm]=xterm [xdotool]=xdotool [wmctrl]=wmctrl
  [xclip]=xclip [xsel]=xsel [xprop]=x11-utils [xmodmap]=x11-xserver-utils [xwallpaper]=xwallpaper
)
missing=()
for command in "${!PACKAGE_OF[@]}"; do
  command -v "$command" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$command]}")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-desktop-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
