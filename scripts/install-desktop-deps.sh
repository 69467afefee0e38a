#!/usr/bin/env bash
# Debian packages the server uses at run time on X11, installed only when missing: a virtual
# desktop for --xvfb (Xvfb + openbox), xsel for the clipboard, xwallpaper for set_wallpaper and
# xdg-utils for open, and for accessibility a session D-Bus (dbus-daemon, dbus-send) with AT-SPI's
# bus launcher and registry (at-spi2-core), and chromium for /playwright_exec (driven by
# playwright-core; never a downloaded browser). Screen, input and windows need no tool: the server
# speaks X11 itself. Runs as root, or through sudo.
set -euo pipefail
declare -A PACKAGE_OF=(
  [Xvfb]=xvfb [openbox]=openbox [xsel]=xsel [xwallpaper]=xwallpaper [xdg-open]=xdg-utils
  [dbus-daemon]=dbus-daemon [dbus-send]=dbus-bin [chromium]=chromium
)
# Packages without a command on PATH, checked with dpkg.
PACKAGES=(at-spi2-core)
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
install_missing PACKAGE_OF PACKAGES
