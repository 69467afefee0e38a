#!/usr/bin/env bash
# `pnpm bench` / `npm run bench`: set up, then run the benchmarks on their own virtual desktop.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/install-test-deps.sh"
exec node tests/bench/run.mjs "$@"
