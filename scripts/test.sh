#!/usr/bin/env bash
# The one test command (README, .ci/run): set up, type-check, then every test in one vitest run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
bash "$(dirname "${BASH_SOURCE[0]}")/install-test-deps.sh"
pnpm exec turbo run typecheck lint --output-logs=errors-only
pnpm exec prettier --check . --log-level warn
exec node scripts/run-tests.mjs "$@"
