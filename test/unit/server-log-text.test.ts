import { describe, expect, it } from 'vitest';
import { escapeControlCharacters } from '../../src/server/log-text.js';

describe('escapeControlCharacters', () => {
  it.each([
    ['plain text, spaces and ünïcödé', 'plain text, spaces and ünïcödé'],
    ['a\nb\rc\td', 'a\\nb\\rc\\td'],
    ['\u0000\u0007\u001b[31m', '\\x00\\x07\\x1b[31m'],
    ['del\u007f csi\u009b nel\u0085', 'del\\x7f csi\\x9b nel\\x85'],
    ['line\u2028separator\u2029', 'line\\u2028separator\\u2029'],
  ])('%j -> %j', (input, expected) => {
    expect(escapeControlCharacters(input)).toBe(expected);
  });
});
