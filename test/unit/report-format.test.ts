import { describe, expect, it } from 'vitest';
import { describeFieldError } from '../../src/contract/types.js';
import { formatDuration, formatOffset, oneLine, printable } from '../../src/report/describe.js';
import { defuseWorkflowCommands, escapeJsonControl } from '../../src/shared/printable.js';

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

describe('printable', () => {
  it.each([
    ['plain', 'plain'],
    ['\u001b[31mred\u001b[0m', '\\u001b[31mred\\u001b[0m'],
    ['\u001b]8;;http://x\u0007link', '\\u001b]8;;http://x\\u0007link'],
    ['a\r\nb\rc', 'a\nb\\u000dc'],
    ['tab\tkept\u0000\u009b\u007f', 'tab\tkept\\u0000\\u009b\\u007f'],
  ])('turns %j into %j', (input, output) => {
    expect(printable(input)).toBe(output);
  });
});

describe('escapeJsonControl', () => {
  it('escapes DEL and C1 controls, which JSON.stringify leaves raw, and keeps the JSON valid', () => {
    const json = escapeJsonControl(JSON.stringify({ a: 'x\u007f\u009b\u0085é' }));
    expect(json).toBe('{"a":"x\\u007f\\u009b\\u0085é"}');
    expect(JSON.parse(json)).toEqual({ a: 'x\u007f\u009b\u0085é' });
  });
});

describe('defuseWorkflowCommands', () => {
  it('escapes the colon that would start a workflow command, indented or not, and nothing else', () => {
    expect(defuseWorkflowCommands('ok\n::error::x\n   ::warning::y\na::b')).toBe(
      'ok\n\\u003a:error::x\n   \\u003a:warning::y\na::b',
    );
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
