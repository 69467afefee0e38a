import { describe, expect, it } from 'vitest';
import { openRecordingTerminal, type RecordingTerminal } from './helpers/desktop.js';
import { useDesktopServer } from './helpers/desktop-server.js';
import { RawClient } from './helpers/server.js';

const ctx = useDesktopServer({ client: 'raw' });
let term: RecordingTerminal;

async function ok(command: string, params: Record<string, unknown>, via: RawClient = ctx.client) {
  const reply = await via.request({ command, params });
  expect(reply, `${command}: ${JSON.stringify(reply)}`).toMatchObject({ success: true });
}

/** Types through the server into a fresh raw xterm and returns the bytes that arrived. */
async function typed(action: () => Promise<void>, expectedBytes: number): Promise<Buffer> {
  term = await openRecordingTerminal(ctx.display);
  try {
    await action();
    return await term.waitForBytes(expectedBytes);
  } finally {
    await term.close();
  }
}

describe('type_text through the server', () => {
  it.each([
    ['ASCII', 'Hello, World 123'],
    ['shifted symbols', '@#$%^&*()_+{}|:"<>?~`\\\''],
    ['accented letters', 'é ü ñ ß à Ç'],
    ['CJK', '世界 漢字'],
    ['emoji', '😀 🚀'],
  ])('%s arrive byte for byte', async (_name, text) => {
    const bytes = await typed(() => ok('type_text', { text }), Buffer.byteLength(text));
    expect(bytes.toString('utf8')).toBe(text);
  });

  it('newlines and tabs arrive as Return and Tab (the alias type works too)', async () => {
    const bytes = await typed(() => ok('type', { text: 'a\nb\tc' }), 5);
    expect(bytes.toString('latin1')).toBe('a\rb\tc');
  });
});

describe('keys', () => {
  it('press_key accepts every spelling of a key and hotkey acts', async () => {
    const bytes = await typed(async () => {
      await ok('press_key', { key: 'Return' });
      await ok('press_key', { key: 'TAB' });
      await ok('key', { key: 'a' });
      await ok('hotkey', { keys: ['ctrl', 'c'] });
      await ok('hotkey', { keys: 'Ctrl+D' });
    }, 5);
    // Return, Tab, a, Ctrl+C (ETX), Ctrl+Shift+D (EOT): the raw terminal shows what the keys did.
    expect([...bytes]).toEqual([0x0d, 0x09, 0x61, 0x03, 0x04]);
  });

  it('key_down and key_up hold a modifier', async () => {
    const bytes = await typed(async () => {
      await ok('key_down', { key: 'shift' });
      await ok('press_key', { key: 'a' });
      await ok('key_up', { key: 'shift' });
      await ok('press_key', { key: 'a' });
    }, 2);
    expect(bytes.toString()).toBe('Aa');
  });

  it('an unknown key is refused, naming it, and nothing is typed', async () => {
    expect(
      await ctx.client.request({ command: 'press_key', params: { key: 'pagedownn' } }),
    ).toMatchObject({
      success: false,
      code: 'invalid_params',
      error: expect.stringContaining('Unknown key: pagedownn'),
    });
    expect(
      await ctx.client.request({ command: 'hotkey', params: { keys: ['ctrl', 'nokey'] } }),
    ).toMatchObject({
      success: false,
      error: expect.stringContaining('Unknown key in hotkey: nokey'),
    });
  });
});

describe('one global input queue', () => {
  it('two agents typing at once never interleave their keystrokes', async () => {
    const other = await RawClient.open(ctx.server.url);
    const first = 'a'.repeat(300);
    const second = 'b'.repeat(300);
    try {
      const bytes = await typed(async () => {
        await Promise.all([
          ok('type_text', { text: first }),
          ok('type_text', { text: second }, other),
        ]);
      }, 600);
      const text = bytes.toString();
      expect([first + second, second + first]).toContain(text);
    } finally {
      await other.close();
    }
  });

  it('a screenshot does not wait behind a long type_text', async () => {
    const other = await RawClient.open(ctx.server.url);
    try {
      // Long enough to take far longer than a screenshot; the desktop worker is warmed up first.
      const text = 'x'.repeat(30_000);
      await ok('screenshot', { format: 'jpeg' }, other);
      await typed(async () => {
        let typingDone = 0;
        const typing = ok('type_text', { text }).then(() => (typingDone = performance.now()));
        await new Promise((resolve) => setTimeout(resolve, 5));
        const shot = await other.request({ command: 'screenshot', params: { format: 'jpeg' } });
        const shotDone = performance.now();
        expect(shot).toMatchObject({ success: true });
        await typing;
        // Not a timing assertion: only which of the two finished first.
        expect(shotDone).toBeLessThan(typingDone);
      }, text.length);
    } finally {
      await other.close();
    }
  }, 30_000);
});
