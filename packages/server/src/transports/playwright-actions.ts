import type { Page } from 'playwright-core';
import { CommandError } from '../core/command-error.js';

/** `{"success": true, …}`: what upstream answers for each command. */
export type PlaywrightReply = { success: true } & Record<string, unknown>;

export const PLAYWRIGHT_COMMANDS = [
  'visit_url',
  'click',
  'type',
  'scroll',
  'web_search',
  'screenshot',
  'get_current_url',
  'go_back',
  'go_forward',
] as const;
export type PlaywrightCommand = (typeof PLAYWRIGHT_COMMANDS)[number];

/** Upstream's search target; `{query}` is replaced by the URL-encoded query. */
export const DEFAULT_WEB_SEARCH_URL = 'https://www.google.com/search?q={query}';

export function isPlaywrightCommand(name: string): name is PlaywrightCommand {
  return (PLAYWRIGHT_COMMANDS as readonly string[]).includes(name);
}

/**
 * Upstream's `/playwright_exec` commands (docs/protocol.md, Other routes) on one page, with its
 * params and reply fields. Bad params throw `invalid_params`; what the browser refuses (a page
 * that does not load) throws `command_failed` with the browser's message.
 */
export async function runPlaywrightCommand(
  page: Page,
  command: PlaywrightCommand,
  params: Record<string, unknown>,
  options: { webSearchUrl: string },
): Promise<PlaywrightReply> {
  const url = () => ({ success: true as const, url: page.url() });
  try {
    switch (command) {
      case 'visit_url':
        await page.goto(requiredString(params, 'url'), { waitUntil: 'domcontentloaded' });
        return url();
      case 'click':
        await page.mouse.click(requiredNumber(params, 'x'), requiredNumber(params, 'y'));
        return { success: true };
      case 'type':
        await page.keyboard.type(requiredString(params, 'text', true));
        return { success: true };
      case 'scroll':
        await page.mouse.wheel(
          optionalNumber(params, 'delta_x') ?? 0,
          optionalNumber(params, 'delta_y') ?? 0,
        );
        return { success: true };
      case 'web_search':
        await page.goto(searchUrl(options.webSearchUrl, requiredString(params, 'query')), {
          waitUntil: 'domcontentloaded',
        });
        return url();
      case 'screenshot':
        return {
          success: true,
          screenshot: (await page.screenshot({ type: 'png' })).toString('base64'),
        };
      case 'get_current_url':
        return url();
      case 'go_back':
        await page.goBack({ waitUntil: 'domcontentloaded' });
        return url();
      case 'go_forward':
        await page.goForward({ waitUntil: 'domcontentloaded' });
        return url();
    }
  } catch (err) {
    if (err instanceof CommandError) throw err;
    const message = (err as Error).message.split('\n')[0] ?? String(err);
    const timedOut = (err as Error).name === 'TimeoutError';
    throw new CommandError(timedOut ? 'timeout' : 'command_failed', `${command}: ${message}`);
  }
}

/** Upstream pastes the query in unencoded; here it is encoded, so `&` or `#` stay in it. */
export function searchUrl(template: string, query: string): string {
  const encoded = encodeURIComponent(query);
  return template.includes('{query}')
    ? template.replaceAll('{query}', encoded)
    : template + encoded;
}

function requiredString(params: Record<string, unknown>, key: string, allowEmpty = false): string {
  const value = params[key];
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new CommandError('invalid_params', `${key} parameter is required (a string)`);
  }
  return value;
}

function requiredNumber(params: Record<string, unknown>, key: string): number {
  const value = optionalNumber(params, key);
  if (value === undefined) {
    throw new CommandError('invalid_params', `${key} parameter is required (a number)`);
  }
  return value;
}

function optionalNumber(params: Record<string, unknown>, key: string): number | undefined {
  const value = params[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new CommandError('invalid_params', `${key} must be a number`);
  }
  return value;
}
