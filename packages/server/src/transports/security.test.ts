import { describe, expect, it } from 'vitest';
import { allowedOriginSet, normalizeOrigin, originAllowed } from './security.js';

describe('normalizeOrigin', () => {
  it.each([
    ['http://localhost:5173', 'http://localhost:5173'],
    [' HTTP://LocalHost:5173/ ', 'http://localhost:5173'],
    ['http://localhost:80', 'http://localhost'],
    ['https://example.test:443', 'https://example.test'],
    ['http://[::1]:8000', 'http://[::1]:8000'],
    ['chrome-extension://AbCdEf', 'chrome-extension://abcdef'],
  ])('%j → %j', (input, origin) => {
    expect(normalizeOrigin(input)).toBe(origin);
  });

  it.each([
    'null',
    '',
    'localhost:5173',
    'http://localhost:5173/app',
    'http://localhost:5173//',
    'http://localhost:5173/?x=1',
    'http://localhost:5173/#top',
    'http://user:pw@localhost:5173',
    'file:///tmp/page.html',
  ])('%j is no origin', (input) => {
    expect(normalizeOrigin(input)).toBeUndefined();
  });
});

describe('originAllowed', () => {
  const allowed = allowedOriginSet(['http://localhost:5173/']);

  it('lets requests without Origin in (agents, CLIs)', () => {
    expect(originAllowed({}, allowed)).toBe(true);
  });

  it('matches the header and the allow-list the same way', () => {
    expect(originAllowed({ origin: 'http://localhost:5173' }, allowed)).toBe(true);
    expect(originAllowed({ origin: 'http://LOCALHOST:5173' }, allowed)).toBe(true);
    expect(originAllowed({ origin: 'http://localhost:5174' }, allowed)).toBe(false);
    expect(originAllowed({ origin: 'https://localhost:5173' }, allowed)).toBe(false);
  });

  it('never lets in an Origin that is no origin', () => {
    expect(originAllowed({ origin: 'null' }, allowedOriginSet([]))).toBe(false);
    expect(originAllowed({ origin: 'http://localhost:5173/x' }, allowed)).toBe(false);
  });

  it('refuses an allow-list entry that is no origin', () => {
    expect(() => allowedOriginSet(['localhost:5173'])).toThrow(/is not an origin/);
  });
});
