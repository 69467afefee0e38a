#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing: the server's own desktop packages,
# real apps to drive (xterm), independent oracles (xdotool, wmctrl, xprop/xwininfo/xev, xclip,
# xsetroot, ImageMagick's `import`), chromium for the browser tests (driven by playwright-core;
# its own browser download is never used), openssl, ffmpeg (recordings; optional for the server),
# and for accessibility a GTK 3 test app (Debian's python3 with python3-gi and GTK's typelib),
# the pyatspi reader as the oracle, gsettings to set the user's accessibility flag, and GTK's
# widget factory for the bench (gtk-3-examples).
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/install-desktop-deps.sh"
declare -A PACKAGE_OF=(
  [xterm]=xterm [xdotool]=xdotool [wmctrl]=wmctrl [xclip]=xclip [xprop]=x11-utils
  [xsetroot]=x11-xserver-utils [import]=imagemagick [chromium]=chromium [openssl]=openssl
  [ffmpeg]=ffmpeg [ffprobe]=ffmpeg [gtk3-widget-factory]=gtk-3-examples [gsettings]=libglib2.0-bin
)
# Packages without a command on PATH, checked with dpkg.
PACKAGES=(python3 python3-gi gir1.2-gtk-3.0 python3-pyatspi dconf-gsettings-backend gsettings-desktop-schemas)
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
install_missing PACKAGE_OF PACKAGES
