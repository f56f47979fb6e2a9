import { describe, expect, it } from 'vitest';
import { parseFrame, readCloseReason, sentFrame, toBuffer } from '../../src/session/frame.js';

describe('frame records', () => {
  it('records a sent frame as sent: members that JSON drops are gone, size in bytes', () => {
    const text = JSON.stringify({ type: 'chat', message: 'héllo', extra: undefined });
    expect(sentFrame(1, 0, text)).toEqual({
      seq: 1,
      dir: 'out',
      atMs: 0,
      kind: 'json',
      data: { type: 'chat', message: 'héllo' },
      size: 34,
    });
  });

  it('parses received text as JSON, keeps other text and binary as they came', () => {
    const json = parseFrame(2, 10, Buffer.from('{"type":"heartbeat"}'), false);
    const text = parseFrame(3, 11, Buffer.from('progress 50%'), false);
    const binary = parseFrame(4, null, Buffer.from([0x82, 0xa4]), true);
    expect(json).toEqual({
      seq: 2,
      dir: 'in',
      atMs: 10,
      size: 20,
      kind: 'json',
      data: { type: 'heartbeat' },
    });
    expect(text).toEqual({
      seq: 3,
      dir: 'in',
      atMs: 11,
      size: 12,
      kind: 'text',
      text: 'progress 50%',
    });
    expect(binary).toEqual({
      seq: 4,
      dir: 'in',
      atMs: null,
      size: 2,
      kind: 'binary',
      data: Buffer.from([0x82, 0xa4]),
    });
  });

  it('joins a fragmented message and copies an ArrayBuffer', () => {
    expect(toBuffer([Buffer.from('ab'), Buffer.from('c')]).toString()).toBe('abc');
    expect(toBuffer(new Uint8Array([0x61, 0x62]).buffer).toString()).toBe('ab');
  });
});

describe('close reasons', () => {
  it('mark a reason at the 123-byte limit as cut, and leave a shorter one as it came', () => {
    expect(readCloseReason(Buffer.from('done'))).toBe('done');
    expect(readCloseReason(Buffer.from('x'.repeat(120)))).toBe('x'.repeat(120));
    expect(readCloseReason(Buffer.from('x'.repeat(123)))).toBe(`${'x'.repeat(123)}…`);
    // A cut on a character boundary leaves up to 3 bytes unused.
    expect(readCloseReason(Buffer.from(`${'x'.repeat(119)}é`))).toBe(`${'x'.repeat(119)}é…`);
  });
});
