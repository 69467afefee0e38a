#!/usr/bin/env bash
# Brings the workspace to a runnable state on a machine that has only Node 20 and npm:
# pnpm (the version pinned in package.json) comes through npm into .tools/, then the
# workspace is installed from the lockfile and built. Safe to run again; meant to be sourced
# by start.sh and test.sh so that pnpm is on their PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"
export PATH="$ROOT/.tools/node_modules/.bin:$PATH"
# The project's own pnpm, by its path: a pnpm elsewhere on PATH (another version, or one the
# tests cannot find) must not stand in for it.
if [ "$("$ROOT/.tools/node_modules/.bin/pnpm" --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION into .tools/" >&2
  npm install --silent --no-save --no-audit --no-fund --prefix .tools "pnpm@$PNPM_VERSION" >&2
fi

export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1
pnpm install --frozen-lockfile --reporter=silent >&2
pnpm exec turbo run build --output-logs=errors-only >&2
