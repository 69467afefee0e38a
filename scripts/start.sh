#!/usr/bin/env bash
# The one run command (README): set up, then start the Computer Server with the given flags.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# Local development: auth is chosen here, not inherited from a CONTAINER_NAME in the environment;
# a later --auth in "$@" wins.
exec node packages/server/dist/cli.js --auth none "$@"
