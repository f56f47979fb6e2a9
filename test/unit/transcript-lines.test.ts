import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../src/transcript/lines.js';

/** Splits `text` fed in chunks of `size` bytes; oversized lines come back as `<head…|bytes>`. */
function split(text: string, size: number, max: number, keep = 4): string[] {
  const seen: string[] = [];
  const splitter = createLineSplitter(
    {
      line: (buf, start, end) => seen.push(buf.toString('utf8', start, end)),
      oversized: (head, bytes) => seen.push(`<${head.toString('utf8')}…|${bytes}>`),
    },
    max,
    keep,
  );
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; at += size) splitter.push(bytes.subarray(at, at + size));
  splitter.finish();
  return seen;
}

describe('createLineSplitter', () => {
  it.each([1, 2, 3, 7, 64])('gives the same lines for chunks of %i bytes', (size) => {
    expect(split('ab\ncdé\n\nlast', size, 100)).toEqual(['ab', 'cdé', '', 'last']);
  });

  it.each([1, 3, 5, 64])(
    'hands over only the head and the length of a line over the limit (chunks of %i)',
    (size) => {
      expect(split('ok\n0123456789abcdef\nafter\n', size, 8)).toEqual([
        'ok',
        '<0123…|16>',
        'after',
      ]);
    },
  );

  it('counts an oversized last line without a newline', () => {
    expect(split('0123456789', 3, 5)).toEqual(['<0123…|10>']);
  });
});
