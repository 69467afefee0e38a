#!/usr/bin/env bash
# Debian packages the tests need, installed only when missing: the virtual desktop, chromium for
# the browser tests (driven by playwright-core; its own browser download is never used), openssl.
set -euo pipefail
bash "$(dirname "${BASH_SOURCE[0]}")/install-desktop-deps.sh"
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
# ImageMagick: `import` samples root-window pixels independently of our own screenshot code.
command -v import >/dev/null 2>&1 || missing+=(imagemagick)
source "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh"
apt_install "${missing[@]}"
