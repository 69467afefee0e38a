import { describe, expectTypeOf, it } from 'vitest';
import type { Computer } from './computer.js';

declare const computer: Computer;
const signal = new AbortController().signal;

describe('Computer.call types come from the protocol registry', () => {
  it('infers results', () => {
    expectTypeOf(computer.call('get_screen_size')).resolves.toEqualTypeOf<{
      size: { width: number; height: number };
      scale_factor?: number | undefined;
      monitors?:
        | Array<{
            name: string;
            x: number;
            y: number;
            width: number;
            height: number;
            primary: boolean;
          }>
        | undefined;
    }>();
    expectTypeOf(computer.call('run_command', { command: 'ls' })).resolves.toHaveProperty(
      'return_code',
    );
    expectTypeOf(computer.version()).resolves.toHaveProperty('protocol').toEqualTypeOf<number>();
  });

  it('requires params exactly when the command has required ones', () => {
    computer.call('version');
    computer.call('screenshot');
    computer.call('screenshot', { format: 'jpeg', quality: 80 });
    computer.call('move_cursor', { x: 1, y: 2 });
    computer.call('move_cursor', { x: 1, y: 2 }, { timeoutMs: 5, signal });
    // @ts-expect-error move_cursor needs x and y
    computer.call('move_cursor');
    // @ts-expect-error y is missing
    computer.call('move_cursor', { x: 1 });
    // @ts-expect-error x must be a number
    computer.call('move_cursor', { x: '1', y: 2 });
    // @ts-expect-error no such command
    computer.call('nosuch');
    // @ts-expect-error button is an enum
    computer.call('mouse_down', { button: 'fourth' });
  });
});

describe('methods', () => {
  it('return what a TS user expects', () => {
    expectTypeOf(computer.screenshot()).resolves.toEqualTypeOf<{
      data: Uint8Array;
      format: 'png' | 'jpeg' | 'webp';
      width?: number;
      height?: number;
      scale?: number;
    }>();
    expectTypeOf(computer.runCommand('ls')).resolves.toEqualTypeOf<{
      stdout: string;
      stderr: string;
      returnCode: number;
      truncated?: boolean;
    }>();
    expectTypeOf(computer.getScreenSize()).resolves.toMatchTypeOf<{
      width: number;
      height: number;
    }>();
    expectTypeOf(computer.getCursorPosition()).resolves.toEqualTypeOf<{ x: number; y: number }>();
    expectTypeOf(computer.readBytes('/f')).resolves.toEqualTypeOf<Uint8Array>();
    expectTypeOf(computer.readText('/f')).resolves.toEqualTypeOf<string>();
    expectTypeOf(computer.writeBytes('/f', new Uint8Array(1))).resolves.toEqualTypeOf<void>();
    expectTypeOf(computer.fileExists('/f')).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(computer.directoryExists('/f')).resolves.toEqualTypeOf<boolean>();
    expectTypeOf(computer.listDir('/')).resolves.toEqualTypeOf<string[]>();
    expectTypeOf(computer.getFileSize('/f')).resolves.toEqualTypeOf<number>();
    expectTypeOf(computer.launch('xterm')).resolves.toEqualTypeOf<number>();
    expectTypeOf(computer.getCurrentWindowId()).resolves.toEqualTypeOf<string | number>();
    expectTypeOf(computer.getWindowSize(1)).resolves.toEqualTypeOf<{
      width: number;
      height: number;
    }>();
    expectTypeOf(computer.getWindowPosition('1')).resolves.toEqualTypeOf<{
      x: number;
      y: number;
    }>();
    expectTypeOf(computer.toScreenCoordinates(1, 2)).resolves.toEqualTypeOf<[number, number]>();
    expectTypeOf(computer.getDesktopEnvironment()).resolves.toEqualTypeOf<string>();
    expectTypeOf(computer.copyToClipboard()).resolves.toEqualTypeOf<string>();
    expectTypeOf(computer.getClipboard()).resolves.toEqualTypeOf<string>();
    expectTypeOf(computer.leftClick(1, 2)).resolves.toEqualTypeOf<void>();
  });

  it('take positional arguments as upstream clients do, and CallOptions last', () => {
    computer.leftClick();
    computer.leftClick(1, 2);
    computer.leftClick({ timeoutMs: 5 });
    computer.leftClick(1, 2, { signal });
    computer.mouseDown();
    computer.mouseDown('right');
    computer.mouseDown(1, 2, 'middle', { timeoutMs: 5 });
    computer.moveCursor(1, 2, { timeoutMs: 5 });
    computer.typeText('hé 世', { signal });
    computer.pressKey('enter');
    computer.hotkey('ctrl', 'c');
    computer.hotkey('ctrl+c');
    computer.hotkey('ctrl', 'c', { timeoutMs: 5 });
    computer.hotkey(['ctrl', 'c'], { timeoutMs: 5 });
    computer.dragTo(1, 2, { button: 'left', duration: 0.1, timeoutMs: 5 });
    computer.drag(
      [
        [1, 2],
        [3, 4],
      ],
      { duration: 0 },
    );
    computer.drag([{ x: 1, y: 2 }, [3, 4]]);
    computer.scroll(0, -3);
    computer.scrollDown();
    computer.scrollDown(3, { timeoutMs: 5 });
    computer.scrollUp({ timeoutMs: 5 });
    computer.scrollDirection('left', 2);
    computer.runCommand('sleep 1', { timeout: 5, timeoutMs: 10_000, signal });
    computer.readBytes('/f', { offset: 1, length: 2, timeoutMs: 5 });
    computer.writeBytes('/f', new Uint8Array(), { append: true });
    computer.writeText('/f', 'text', { append: true });
    computer.launch('xterm', ['-e', 'top']);
    computer.launch('xterm', { timeoutMs: 5 });
    computer.setWindowSize('0x1', 640, 480);
    computer.screenshot({ format: 'jpeg', quality: 80, maxWidth: 1280, timeoutMs: 5 });
    computer.findElement({ role: 'button', title: 'OK' });
    computer.dioramaCmd('screenshot', { app_list: ['Safari'] }, { timeoutMs: 5 });
  });

  it('reject wrong arguments at compile time', () => {
    // @ts-expect-error y is required with x
    computer.leftClick(1);
    // @ts-expect-error coordinates are numbers
    computer.leftClick('1', '2');
    // @ts-expect-error no such button
    computer.mouseDown(1, 2, 'fourth');
    // @ts-expect-error moveCursor needs both coordinates
    computer.moveCursor(1);
    // @ts-expect-error text must be a string
    computer.typeText(42);
    // @ts-expect-error a key is required
    computer.pressKey();
    // @ts-expect-error hotkey needs at least one key
    computer.hotkey();
    // @ts-expect-error hotkey keys are strings
    computer.hotkey('ctrl', 1);
    // @ts-expect-error runCommand needs a command
    computer.runCommand();
    // @ts-expect-error the server-side timeout is in seconds, a number
    computer.runCommand('ls', { timeout: '5' });
    // @ts-expect-error offset is a number
    computer.readBytes('/f', { offset: '1' });
    // @ts-expect-error writeBytes takes bytes, not a string
    computer.writeBytes('/f', 'text');
    // @ts-expect-error no such image format
    computer.screenshot({ format: 'gif' });
    // @ts-expect-error no such direction
    computer.scrollDirection('sideways');
    // @ts-expect-error drag points are pairs
    computer.drag([[1, 2, 3]]);
    // @ts-expect-error timeoutMs is a number
    computer.version({ timeoutMs: '5' });
    // @ts-expect-error window ids are strings or numbers
    computer.getWindowSize(true);
  });
});
