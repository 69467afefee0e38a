import { existsSync } from 'node:fs';
import { CHROMIUM_ARGS } from '@cua/computer-server';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (installed by scripts/install-test-deps.sh), never a downloaded browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`${CHROMIUM_PATH} is missing: run scripts/install-test-deps.sh`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS],
  });
}
