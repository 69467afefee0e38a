import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BrowserContext, Page } from 'playwright-core';
import { withoutServerSecrets } from '../system/child-secrets.js';
import { CommandError } from '../core/command-error.js';
import { environmentWithDisplay } from '../desktop/environment.js';
import { LIMITS } from '../core/limits.js';

/** Where Debian and Ubuntu put Chromium (`apt-get install chromium`), then Chrome. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/**
 * Chromium's flags for a server: on a machine without network most of its background services
 * would retry refused connections for ever; the sandbox needs user namespaces a container (or
 * root) may not have. Exported for whoever starts Chromium on such a machine themselves.
 */
export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Upstream's viewport. */
const VIEWPORT = { width: 1024, height: 768 };

export interface BrowserHostOptions {
  /** A Chromium (or Chrome) binary; default `CUA_BROWSER_PATH`, then the system's Chromium. */
  executablePath?: string | undefined;
  /** The display it opens on (headed, so agents see it on the desktop); none: headless. */
  display?: string | undefined;
  logger: Logger;
}

export function findBrowser(explicit?: string): string | undefined {
  const wanted = explicit ?? process.env.CUA_BROWSER_PATH;
  if (wanted) return existsSync(wanted) ? wanted : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

interface Running {
  context: BrowserContext;
  page: Page;
  profileDir: string;
}

/**
 * The one browser of a server for `/playwright_exec`: started on first use on the server's
 * display, with a fresh profile, started again if it was closed or crashed, and closed (its
 * profile deleted) when the server stops.
 */
export class BrowserHost {
  private running: Promise<Running> | undefined;
  private closed = false;

  constructor(private readonly options: BrowserHostOptions) {}

  get available(): boolean {
    return findBrowser(this.options.executablePath) !== undefined;
  }

  /** The page actions run on; a closed one is replaced. */
  async page(): Promise<Page> {
    if (this.closed) throw new CommandError('shutting_down', 'The server is stopping');
    const running = await this.start();
    if (!running.page.isClosed()) return running.page;
    try {
      running.page =
        running.context.pages().find((p) => !p.isClosed()) ?? (await running.context.newPage());
      return running.page;
    } catch {
      // The context is gone too (the window was closed): start over.
      this.running = undefined;
      return (await this.start()).page;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const running = this.running;
    this.running = undefined;
    if (!running) return;
    const started = await running.catch(() => undefined);
    if (!started) return;
    await started.context.close().catch(() => undefined);
    await rm(started.profileDir, { recursive: true, force: true }).catch(() => undefined);
  }

  private start(): Promise<Running> {
    this.running ??= this.launch().catch((err: unknown) => {
      this.running = undefined;
      throw err;
    });
    return this.running;
  }

  private async launch(): Promise<Running> {
    const executablePath = findBrowser(this.options.executablePath);
    if (!executablePath) {
      throw new CommandError(
        'unsupported',
        'No browser for /playwright_exec: install Chromium (apt-get install chromium, or ' +
          'scripts/install-desktop-deps.sh) or set CUA_BROWSER_PATH',
      );
    }
    const { chromium } = await import('playwright-core');
    const profileDir = await mkdtemp(join(tmpdir(), 'cua-browser-'));
    const display = this.options.display ?? process.env.DISPLAY;
    const env = withoutServerSecrets(environmentWithDisplay(this.options.display));
    try {
      const context = await chromium.launchPersistentContext(profileDir, {
        executablePath,
        headless: !display,
        args: [...CHROMIUM_ARGS],
        env,
        viewport: VIEWPORT,
        timeout: LIMITS.browserLaunchTimeoutMs,
      });
      context.setDefaultTimeout(LIMITS.browserActionTimeoutMs);
      context.setDefaultNavigationTimeout(LIMITS.browserActionTimeoutMs);
      context.on('close', () => {
        this.running = undefined;
        void rm(profileDir, { recursive: true, force: true }).catch(() => undefined);
      });
      const page = context.pages()[0] ?? (await context.newPage());
      this.options.logger.info({ executablePath, display, headless: !display }, 'browser started');
      return { context, page, profileDir };
    } catch (err) {
      await rm(profileDir, { recursive: true, force: true }).catch(() => undefined);
      throw new CommandError(
        'command_failed',
        `Browser initialization failed: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
}
