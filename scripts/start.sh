#!/usr/bin/env bash
# The one run command (README): set up, then start the Computer Server with the given flags.
# Without a DISPLAY (a headless Linux machine) it brings its own virtual desktop (--xvfb),
# installing the Debian packages for it when they are missing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
extra=()
if [ "$(uname -s)" = "Linux" ] && [ -z "${DISPLAY:-}" ]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/install-desktop-deps.sh"
  extra+=(--xvfb)
fi
# Auth is chosen here, not inherited from a CONTAINER_NAME in the environment; a later --auth in
# "$@" wins.
exec node packages/server/dist/cli.js --auth none "${extra[@]}" "$@"
