import { describe, expect, it } from 'vitest';
import { describeFieldError } from '../../src/contract/types.js';
import { formatDuration, formatOffset, oneLine, stripControl } from '../../src/report/describe.js';

describe('formatDuration', () => {
  it.each([
    [0, '0ms'],
    [412, '412ms'],
    [999.4, '999ms'],
    [999.6, '1.0s'],
    [1000, '1.0s'],
    [1234, '1.2s'],
    [61_000, '61.0s'],
    [Number.NaN, '—'],
  ])('formats %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('formatOffset', () => {
  it.each([
    [null, '—'],
    [412, '+412ms'],
    [1890, '+1.9s'],
  ])('formats %j as %j', (ms, text) => {
    expect(formatOffset(ms)).toBe(text);
  });
});

describe('stripControl', () => {
  it.each([
    ['plain', 'plain'],
    ['\u001b[31mred\u001b[0m', 'red'],
    ['\u001b]8;;http://x\u0007link\u001b]8;;\u0007', 'link'],
    ['a\r\nb\rc', 'a\nb\nc'],
    ['tab\tkept\u0000\u0007\u009b', 'tab\tkept'],
  ])('turns %j into %j', (input, output) => {
    expect(stripControl(input)).toBe(output);
  });
});

describe('oneLine', () => {
  it('joins lines with one space', () => {
    expect(oneLine('a \n  b\r\nc')).toBe('a b c');
  });
});

describe('describeFieldError', () => {
  it.each([
    [{ path: 'x', message: 'x missing' }, 'x missing'],
    [{ path: 'x', message: 'bad x', expected: 'string' }, 'bad x (expected string)'],
    [{ path: 'x', message: 'bad x', actual: '3' }, 'bad x (actual 3)'],
    [
      { path: 'x', message: 'bad x', expected: 'string', actual: '3' },
      'bad x (expected string, actual 3)',
    ],
  ])('describes %j as %j', (error, text) => {
    expect(describeFieldError(error)).toBe(text);
  });
});
