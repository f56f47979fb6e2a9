import { Buffer } from 'node:buffer';

import { describe, expect, it } from 'vitest';

import { createFrameLineReader } from '../../src/transcript/frame-line.js';

const read = createFrameLineReader();

function readLine(line: string): ReturnType<typeof read> {
  // Surrounding bytes prove the reader stays within [start, end).
  const buf = Buffer.from(`xx${line}\nyy`);
  return read(buf, 2, 2 + Buffer.byteLength(line));
}

describe('createFrameLineReader', () => {
  it.each([
    ['{"seq":1,"dir":"in","t":0,"size":12,"frame":{"type":"x"}}', 1, 'in', 0, 12],
    ['{"seq":42,"dir":"out","t":12.25,"size":3,"frame":{"type":"x"}}', 42, 'out', 12.25, 3],
    ['{"seq":7,"dir":"in","t":-3.5,"size":0,"frame":{"type":"x"}}', 7, 'in', -3.5, 0],
    ['{"seq":8,"dir":"in","t":null,"size":5,"frame":{"type":"x"}}', 8, 'in', null, 5],
    ['{"seq":9,"dir":"in","t":0.1,"size":5,"frame":{"type":"x"}}', 9, 'in', 0.1, 5],
    ['{"seq":10,"dir":"in","t":1795.0000001,"frame":{"type":"x"}}', 10, 'in', 1795.0000001, null],
  ])('reads %s like JSON.parse does', (line, seq, dir, atMs, size) => {
    const frame = readLine(line);
    expect(frame).toEqual({
      seq,
      dir,
      atMs,
      kind: 'json',
      data: { type: 'x' },
      text: undefined,
      // Without a recorded size, the line's byte length stands in.
      size: size ?? Buffer.byteLength(line),
    });
    const parsed = JSON.parse(line) as { t: number | null };
    expect(frame?.atMs).toBe(parsed.t);
  });

  it('reads frames of any JSON value, multibyte text included', () => {
    expect(readLine('{"seq":1,"dir":"in","t":1,"size":4,"frame":null}')?.data).toBeNull();
    expect(readLine('{"seq":1,"dir":"in","t":1,"size":4,"frame":"ü✓🚀"}')?.data).toBe('ü✓🚀');
    expect(readLine('{"seq":1,"dir":"in","t":1,"size":4,"frame":[1,{"a":"}"}]}')?.data).toEqual([
      1,
      { a: '}' },
    ]);
  });

  it.each([
    ['an exponent', '{"seq":1,"dir":"in","t":1e3,"size":1,"frame":{"type":"x"}}'],
    ['a fractional seq', '{"seq":1.5,"dir":"in","t":1,"size":1,"frame":{"type":"x"}}'],
    ['a key after the frame', '{"seq":1,"dir":"in","t":1,"frame":{"type":"x"},"extra":true}'],
    ['spaces', '{"seq": 1, "dir": "in", "t": 1, "frame": {"type": "x"}}'],
    ['another key order', '{"dir":"in","seq":1,"t":1,"frame":{"type":"x"}}'],
    ['a truncated line', '{"seq":1,"dir":"in","t":1,"truncated":true,"size":9,"text":"{"}'],
    ['a text line', '{"seq":1,"dir":"in","t":1,"size":9,"text":"hello there"}'],
    ['broken JSON in the frame', '{"seq":1,"dir":"in","t":1,"size":9,"frame":{"type":}'],
    ['an unknown direction', '{"seq":1,"dir":"up","t":1,"size":9,"frame":{"type":"x"}}'],
    ['too many digits', '{"seq":1,"dir":"in","t":1234567890.1234567,"frame":{"type":"x"}}'],
  ])('leaves a line with %s to the full parser', (_name, line) => {
    expect(readLine(line)).toBeNull();
  });
});
