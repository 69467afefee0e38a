import { describe, expect, it } from 'vitest';
import { decodeCompoundText } from './compound-text.js';
import { decodeText } from './properties.js';

const ESC = 0x1b;

function bytes(...parts: Array<string | number[]>): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'string') out.push(...Buffer.from(part, 'latin1'));
    else out.push(...part);
  }
  return Uint8Array.from(out);
}

describe('decodeCompoundText', () => {
  it('reads ASCII, and Latin-1 in GR without any escape', () => {
    expect(decodeCompoundText(bytes('plain title'))).toBe('plain title');
    expect(decodeCompoundText(bytes('t\xebst caf\xe9'))).toBe('tëst café');
  });

  it('reads what xterm wrote for `tëst 世界 x` (JIS X 0208 in GL), byte for byte', () => {
    // From `xprop -f WM_NAME 8c WM_NAME` on a real xterm under openbox.
    const wire = [116, 235, 115, 116, 32, 27, 36, 40, 66, 64, 36, 51, 38, 27, 40, 66, 32, 120];
    expect(decodeCompoundText(Uint8Array.from(wire))).toBe('tëst 世界 x');
  });

  it('switches the GR half to other ISO 8859 parts', () => {
    // ESC - L: ISO 8859-5 (Cyrillic); ESC - F: ISO 8859-7 (Greek); ESC - A back to Latin-1.
    const cyrillic = [0xbf, 0xe0, 0xd8, 0xd2, 0xd5, 0xe2];
    const greek = [0xe1, 0xe2];
    const text = bytes(
      [ESC, 0x2d, 0x4c],
      cyrillic,
      ' ',
      [ESC, 0x2d, 0x46],
      greek,
      ' ',
      [ESC, 0x2d, 0x41],
      '\xe9',
    );
    expect(decodeCompoundText(text)).toBe('Привет αβ é');
  });

  it('reads 94x94 sets in GR as well as GL (GB 2312, KS C 5601)', () => {
    // ESC $ ) A: GB 2312 into GR; 中文 is D6D0 CEC4 there.
    expect(decodeCompoundText(bytes([ESC, 0x24, 0x29, 0x41, 0xd6, 0xd0, 0xce, 0xc4]))).toBe('中文');
    // ESC $ ( C: KS C 5601 into GL; 한 is 0x47 0x51 there (C7D1 in EUC-KR).
    expect(decodeCompoundText(bytes([ESC, 0x24, 0x28, 0x43, 0x47, 0x51], [ESC, 0x28, 0x42]))).toBe(
      '한',
    );
  });

  it('reads UTF-8 segments (ESC % G … ESC % @) and goes back to the previous sets', () => {
    const utf8 = [...Buffer.from('😀 ✓ 世界', 'utf8')];
    const text = bytes('a ', [ESC, 0x25, 0x47], utf8, [ESC, 0x25, 0x40], ' \xe9');
    expect(decodeCompoundText(text)).toBe('a 😀 ✓ 世界 é');
    // An unterminated segment runs to the end.
    expect(decodeCompoundText(bytes([ESC, 0x25, 0x47], utf8))).toBe('😀 ✓ 世界');
  });

  it('reads extended segments named utf-8, and skips unknown ones by their length', () => {
    const body = [...Buffer.from('utf-8\x02', 'latin1'), ...Buffer.from('ü€', 'utf8')];
    const segment = [ESC, 0x25, 0x2f, 0x32, 0x80 | (body.length >> 7), 0x80 | (body.length & 0x7f)];
    expect(decodeCompoundText(bytes('x', segment, body, 'y'))).toBe('xü€y');

    const unknown = [...Buffer.from('private-9\x02', 'latin1'), 1, 2, 3];
    const header = [ESC, 0x25, 0x2f, 0x31, 0x80, 0x80 | unknown.length];
    expect(decodeCompoundText(bytes('x', header, unknown, 'y'))).toBe('x\ufffdy');
  });

  it('drops direction sequences and controls, keeps tab and newline', () => {
    const rtl = [0x9b, 0x32, 0x5d];
    const end = [0x9b, 0x5d];
    expect(decodeCompoundText(bytes('a', rtl, 'b', end, '\tc\n\x07d\x85'))).toBe('ab\tc\nd');
  });

  it('marks what it cannot decode instead of guessing, and survives truncation', () => {
    // ESC $ ( G: CNS 11643 plane 1, not decoded: one U+FFFD per two-byte character.
    expect(decodeCompoundText(bytes([ESC, 0x24, 0x28, 0x47, 0x44, 0x21, 0x44, 0x22]))).toBe(
      '\ufffd\ufffd',
    );
    // Half a two-byte character, and an escape cut short.
    expect(decodeCompoundText(bytes([ESC, 0x24, 0x28, 0x42, 0x30]))).toBe('\ufffd');
    expect(decodeCompoundText(bytes('ok', [ESC, 0x24]))).toBe('ok');
    expect(decodeCompoundText(new Uint8Array(0))).toBe('');
  });
});

describe('decodeText', () => {
  it('reads STRING as UTF-8 when it is valid UTF-8, else as Latin-1, without trailing NULs', () => {
    expect(decodeText('STRING', bytes([...Buffer.from('ünï', 'utf8')], [0]))).toBe('ünï');
    expect(decodeText('STRING', bytes('caf\xe9', [0, 0]))).toBe('café');
    expect(decodeText('UTF8_STRING', Buffer.from('世界', 'utf8'))).toBe('世界');
    expect(decodeText('COMPOUND_TEXT', bytes('t\xebst', [0]))).toBe('tëst');
  });
});
