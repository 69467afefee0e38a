import {
  NAMED_KEYS,
  isModifierKey,
  normalizeKey,
  resolveHotkey,
  type NamedKey,
  type NormalizedKey,
} from '@cua/computer-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { X11Keyboard } from '../packages/server/src/desktop/x11/x11-keyboard.js';
import {
  openRecordingTerminal,
  sleep,
  startDesktop,
  x,
  type RecordingTerminal,
  type VirtualDisplay,
} from './helpers/desktop.js';
import { openModifierProbe } from './helpers/x-modifiers.js';

// End to end on a real Xvfb + openbox: every assertion is about the bytes an xterm (raw mode, no
// echo) received, never about what our code believes it sent.

function key(name: string): NormalizedKey {
  const normalized = normalizeKey(name);
  if (normalized === null) throw new Error(`unknown key ${name}`);
  return normalized;
}

function hotkeyOf(spec: string): NormalizedKey[] {
  const resolved = resolveHotkey(spec);
  if (!resolved.ok) throw new Error(`unknown key ${resolved.unknown}`);
  return resolved.keys;
}

// Enough distinct characters off the US keymap (> 19 spare keycodes) to force LRU rebinding.
const NON_ASCII = [...'éüñßàçøåæœ€£¥§±×÷¿¡αβγδλπΩЖЯщыё世界日本語한글😀🚀✓→∞♥'] as const;

function mixedText(length: number): string {
  const words = ['The', 'quick', 'fox', '@#$%', 'jumps', '{x:1}', 'over', "it's", 'the', 'lazy'];
  let text = '';
  for (let i = 0; text.length < length; i++) {
    text += `${words[i % words.length]}${NON_ASCII[(i * 7) % NON_ASCII.length]} `;
  }
  return text;
}

function codePoints(text: string): number {
  return [...text].length;
}

describe('X11Keyboard on a real display', () => {
  let desktop: VirtualDisplay;
  let keyboard: X11Keyboard;
  let keymapBefore: string;
  let terminal: RecordingTerminal | undefined;

  beforeAll(async () => {
    desktop = await startDesktop();
    keymapBefore = x(desktop.display, 'xmodmap', ['-pke']);
    keyboard = await X11Keyboard.open({ display: desktop.display });
  }, 30_000);

  afterAll(async () => {
    await terminal?.close();
    await keyboard?.close();
    await desktop?.stop();
  }, 30_000);

  /** Runs `action` against a fresh focused xterm and returns exactly the bytes that arrived. */
  async function bytesTyped(
    action: () => Promise<void>,
    expectedLength: number,
    timeoutMs = 10_000,
  ): Promise<Buffer> {
    await terminal?.close();
    terminal = await openRecordingTerminal(desktop.display);
    await action();
    await terminal.waitForBytes(expectedLength, timeoutMs);
    // Anything extra (a doubled key, a stray modifier sequence) would show up meanwhile.
    await sleep(150);
    return terminal.bytes();
  }

  async function expectExact(text: string, expected = text, timeoutMs?: number): Promise<void> {
    const want = Buffer.from(expected, 'utf8');
    const got = await bytesTyped(() => keyboard.typeText(text), want.length, timeoutMs);
    expect(got.toString('utf8')).toBe(expected);
    expect(got.equals(want)).toBe(true);
  }

  it('finds spare keycodes to bind characters to', () => {
    expect(keyboard.spareKeycodeCount).toBeGreaterThan(0);
  });

  it('types ASCII letters and digits', async () => {
    await expectExact('The quick brown fox 0123456789 ABCxyz');
  });

  it('types shifted symbols, backtick, backslash and quotes', async () => {
    await expectExact('@#$%^&*()_+{}|:"<>?~ `\\\' -=[];,./!');
  });

  it('types accented letters', async () => {
    await expectExact('é ü ñ ß');
  });

  it('types CJK', async () => {
    await expectExact('世界');
  });

  it('types an emoji outside the BMP', async () => {
    await expectExact('😀');
  });

  it('types a long mixed string exactly, rebinding spare keycodes', async () => {
    const text = mixedText(400);
    expect(text.length).toBeGreaterThanOrEqual(300);
    const distinct = new Set([...text].filter((c) => c.codePointAt(0)! > 0x7f));
    expect(distinct.size).toBeGreaterThanOrEqual(30);
    await expectExact(text, text, 20_000);
  }, 30_000);

  it('types \\n and \\r\\n as Return (CR in raw mode) and \\t as Tab', async () => {
    await expectExact('a\nb\tc\r\nd', 'a\rb\tc\rd');
  });

  it('presses enter, tab and backspace', async () => {
    const got = await bytesTyped(async () => {
      await keyboard.pressKey(key('enter'));
      await keyboard.pressKey(key('tab'));
      await keyboard.pressKey(key('backspace'));
    }, 3);
    // xterm sends DEL for BackSpace (its backarrowKey default on Debian).
    expect([...got]).toEqual([0x0d, 0x09, 0x7f]);
  });

  it('presses arrow keys as xterm escape sequences', async () => {
    const got = await bytesTyped(() => keyboard.pressKey(key('up')), 3);
    expect(got.toString('latin1')).toBe('\x1b[A');
  });

  it('presses a character that is not on the keymap', async () => {
    const got = await bytesTyped(() => keyboard.pressKey(key('ж')), 2);
    expect(got.toString('utf8')).toBe('ж');
  });

  it('sends ctrl+c as 0x03 in a raw xterm', async () => {
    const got = await bytesTyped(() => keyboard.hotkey(hotkeyOf('ctrl+c')), 1);
    expect([...got]).toEqual([0x03]);
  });

  it('sends ctrl+A (Ctrl+Shift+a, as xdotool) as 0x01', async () => {
    const got = await bytesTyped(() => keyboard.hotkey([key('ctrl'), key('A')]), 1);
    expect([...got]).toEqual([0x01]);
  });

  it('keyDown/keyUp of shift around a pressed a gives A', async () => {
    const got = await bytesTyped(async () => {
      await keyboard.keyDown(key('shift'));
      await keyboard.pressKey(key('a'));
      await keyboard.keyUp(key('shift'));
      await keyboard.pressKey(key('a'));
    }, 2);
    expect(got.toString('utf8')).toBe('Aa');
  });

  it('isModifierKey names exactly the keys the X server holds as a modifier while they are down', async () => {
    // The X server is the oracle: holding a modifier key puts a modifier in effect (in the state
    // of every key event meanwhile) and releasing it takes it away. A lock key leaves its
    // modifier in effect after the release: it toggles, and is pressed again to undo it.
    const probe = await openModifierProbe(desktop.display);
    const held: NamedKey[] = [];
    const locks: NamedKey[] = [];
    try {
      for (const name of NAMED_KEYS) {
        const named: NormalizedKey = { kind: 'named', name };
        const before = await probe.mask();
        await keyboard.keyDown(named);
        const down = await probe.mask();
        await keyboard.keyUp(named);
        if ((await probe.mask()) !== before) {
          locks.push(name);
          await keyboard.pressKey(named);
          expect(await probe.mask(), `${name} pressed again`).toBe(before);
        } else if ((down & ~before) !== 0) {
          held.push(name);
        }
      }
    } finally {
      probe.close();
    }
    expect(locks).toContain('caps_lock');
    expect(held).toEqual(NAMED_KEYS.filter((name) => isModifierKey(name)));
  });
  it('typeText stays exact while we hold Shift, and Shift is held again after', async () => {
    const got = await bytesTyped(async () => {
      await keyboard.keyDown(key('shift'));
      await keyboard.typeText('a1é;');
      await keyboard.pressKey(key('b'));
      await keyboard.keyUp(key('shift'));
    }, Buffer.byteLength('a1é;B'));
    expect(got.toString('utf8')).toBe('a1é;B');
  });

  it('typeText stays exact while another client holds Shift', async () => {
    const got = await bytesTyped(async () => {
      x(desktop.display, 'xdotool', ['keydown', 'shift']);
      try {
        await keyboard.typeText('aA1!é;');
      } finally {
        x(desktop.display, 'xdotool', ['keyup', 'shift']);
      }
    }, Buffer.byteLength('aA1!é;'));
    expect(got.toString('utf8')).toBe('aA1!é;');
  });

  it('typeText stays exact with Caps Lock on, and leaves it on', async () => {
    const got = await bytesTyped(async () => {
      await keyboard.pressKey(key('caps_lock'));
      await keyboard.typeText('aB1é');
      await keyboard.pressKey(key('c'));
      await keyboard.pressKey(key('caps_lock'));
    }, Buffer.byteLength('aB1éC'));
    expect(got.toString('utf8')).toBe('aB1éC');
  });

  it('rejects an untypeable character before typing anything', async () => {
    await expect(keyboard.typeText('ok\u0001')).rejects.toMatchObject({ code: 'invalid_params' });
  });

  it('stops early when the signal aborts', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(keyboard.typeText('never', aborted.signal)).rejects.toThrow();
    // Many distinct characters make typing wait for spare keycodes, so it is still running.
    const controller = new AbortController();
    const typing = keyboard.typeText(mixedText(5_000), controller.signal);
    setTimeout(() => controller.abort(), 50);
    const startedAt = Date.now();
    await expect(typing).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
  });

  it('measures throughput for ASCII and mixed Unicode', async () => {
    const ascii = 'abcdefghij KLMNOPQRST 0123456789 !@#$%^&*() '.repeat(50).slice(0, 2000);
    // Fewer distinct non-ASCII characters than spare keycodes: bindings are reused, never waited
    // for. The second mix cycles through more than there are spares, the LRU's worst case, so
    // typing waits for rebindable keycodes.
    const european = 'Grüße aus Köln, señor François! Ça coûte 5 € — déjà vu, naïve Æsir. '
      .repeat(15)
      .slice(0, 1000);
    const manyDistinct = mixedText(1000);
    for (const [label, text] of [
      ['ascii', ascii],
      ['mixed, few distinct', european],
      ['mixed, many distinct', manyDistinct],
    ] as const) {
      const want = Buffer.from(text, 'utf8');
      let startedAt = 0;
      const got = await bytesTyped(
        async () => {
          startedAt = performance.now();
          await keyboard.typeText(text);
        },
        want.length,
        30_000,
      );
      const elapsedMs = performance.now() - startedAt - 150;
      expect(got.equals(want)).toBe(true);
      const rate = Math.round((codePoints(text) / elapsedMs) * 1000);
      console.log(
        `[x11-keyboard] ${label}: ${codePoints(text)} chars in ${elapsedMs.toFixed(0)} ms` +
          ` = ${rate} chars/s (until every byte arrived)`,
      );
    }
  }, 90_000);

  it('restores the keyboard mapping on close and then refuses to type', async () => {
    await keyboard.typeText('жé');
    expect(x(desktop.display, 'xmodmap', ['-pke'])).not.toBe(keymapBefore);
    await keyboard.close();
    expect(x(desktop.display, 'xmodmap', ['-pke'])).toBe(keymapBefore);
    expect(keyboard.closed).toBe(true);
    await expect(keyboard.typeText('a')).rejects.toMatchObject({ code: 'display_unavailable' });
    await keyboard.close();
  });
});

describe('X11Keyboard when the display dies', () => {
  it('rejects with display_unavailable within a bounded time and the process lives', async () => {
    const desktop = await startDesktop();
    try {
      const keyboard = await X11Keyboard.open({
        display: desktop.display,
        requestTimeoutMs: 2_000,
      });
      await keyboard.typeText('warm up é');
      process.kill(desktop.xvfbPid, 'SIGKILL');
      await desktop.exited;
      const startedAt = Date.now();
      const calls: Array<() => Promise<void>> = [
        () => keyboard.typeText('hello é'),
        () => keyboard.pressKey(key('enter')),
        () => keyboard.keyDown(key('shift')),
        () => keyboard.keyUp(key('shift')),
        () => keyboard.hotkey([key('ctrl'), key('c')]),
      ];
      for (const call of calls) {
        await expect(call()).rejects.toMatchObject({ code: 'display_unavailable' });
      }
      expect(Date.now() - startedAt).toBeLessThan(3_000);
      expect(keyboard.closed).toBe(true);
      await keyboard.close();
      await expect(X11Keyboard.open({ display: desktop.display })).rejects.toMatchObject({
        code: 'display_unavailable',
      });
    } finally {
      await desktop.stop();
    }
  }, 30_000);

  it('gives up on a display that stops answering', async () => {
    const desktop = await startDesktop();
    try {
      const keyboard = await X11Keyboard.open({ display: desktop.display, requestTimeoutMs: 500 });
      process.kill(desktop.xvfbPid, 'SIGSTOP');
      try {
        const startedAt = Date.now();
        await expect(keyboard.typeText('stuck')).rejects.toMatchObject({
          code: 'display_unavailable',
        });
        expect(Date.now() - startedAt).toBeLessThan(2_000);
        await expect(keyboard.pressKey(key('a'))).rejects.toMatchObject({
          code: 'display_unavailable',
        });
      } finally {
        process.kill(desktop.xvfbPid, 'SIGCONT');
      }
      await keyboard.close();
    } finally {
      await desktop.stop();
    }
  }, 30_000);
});
