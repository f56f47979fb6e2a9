import type { Buffer } from 'node:buffer';

import type { FrameRecord } from '../contract/frames.js';

const SEQ = bytesOf('{"seq":');
const DIR = bytesOf(',"dir":"');
const IN = bytesOf('in"');
const OUT = bytesOf('out"');
const T = bytesOf(',"t":');
const NULL = bytesOf('null');
const SIZE = bytesOf(',"size":');
const FRAME = bytesOf(',"frame":');
const CLOSE_BRACE = 0x7d;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_E = 0x65;
const UPPER_E = 0x45;
const ZERO = 0x30;
const NINE = 0x39;
// Up to 15 decimal digits fit a double exactly, so m / 10^k below is correctly rounded.
const MAX_DIGITS = 15;

/** Reads one frame line given as bytes `buf[start, end)`; null when the caller must parse it in full. */
export type FrameLineReader = (buf: Buffer, start: number, end: number) => FrameRecord | null;

/**
 * Creates a reader for JSON frame lines laid out exactly as the writer writes them
 * (`{"seq":N,"dir":..,"t":..,"size":N,"frame":..}`), which skips parsing the wrapper object.
 */
export function createFrameLineReader(): FrameLineReader {
  // Scratch results of the number scanners, kept in the closure so that no line allocates them.
  let value = 0;
  let next = 0;

  const readDigits = (buf: Buffer, at: number, end: number): boolean => {
    let acc = 0;
    let i = at;
    for (; i < end && i - at <= MAX_DIGITS; i += 1) {
      const byte = buf[i] ?? 0;
      if (byte < ZERO || byte > NINE) break;
      acc = acc * 10 + (byte - ZERO);
    }
    if (i === at || i - at > MAX_DIGITS) return false;
    value = acc;
    next = i;
    return true;
  };

  // Plain decimals only (`-12.5`); exponents and long numbers go to the full parser.
  const readDecimal = (buf: Buffer, at: number, end: number): boolean => {
    const negative = buf[at] === MINUS;
    const from = negative ? at + 1 : at;
    if (!readDigits(buf, from, end)) return false;
    let result = value;
    if (buf[next] === DOT) {
      const dot = next;
      const whole = value;
      if (!readDigits(buf, dot + 1, end)) return false;
      const digits = next - dot - 1;
      if (digits + (dot - from) > MAX_DIGITS) return false;
      result = (whole * 10 ** digits + value) / 10 ** digits;
    }
    const after = buf[next];
    if (after === LOWER_E || after === UPPER_E) return false;
    value = negative ? -result : result;
    return true;
  };

  return (buf, start, end) => {
    if (end - start < 32 || buf[end - 1] !== CLOSE_BRACE || !matches(buf, start, end, SEQ))
      return null;
    if (!readDigits(buf, start + SEQ.length, end)) return null;
    const seq = value;
    let at = next;
    if (!matches(buf, at, end, DIR)) return null;
    at += DIR.length;
    let dir: 'in' | 'out';
    if (matches(buf, at, end, IN)) {
      dir = 'in';
      at += IN.length;
    } else if (matches(buf, at, end, OUT)) {
      dir = 'out';
      at += OUT.length;
    } else {
      return null;
    }
    if (!matches(buf, at, end, T)) return null;
    at += T.length;
    let atMs: number | null = null;
    if (matches(buf, at, end, NULL)) {
      at += NULL.length;
    } else {
      if (!readDecimal(buf, at, end)) return null;
      atMs = value;
      at = next;
    }
    let size = end - start;
    if (matches(buf, at, end, SIZE)) {
      if (!readDigits(buf, at + SIZE.length, end)) return null;
      size = value;
      at = next;
    }
    if (!matches(buf, at, end, FRAME)) return null;
    at += FRAME.length;
    let data: unknown;
    try {
      // Succeeds only when the frame value runs up to the wrapper's closing brace and no key follows.
      data = JSON.parse(buf.toString('utf8', at, end - 1));
    } catch {
      return null;
    }
    return { seq, dir, atMs, kind: 'json', data, text: undefined, size };
  };
}

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function matches(buf: Buffer, at: number, end: number, expected: Uint8Array): boolean {
  if (at + expected.length > end) return false;
  for (let i = 0; i < expected.length; i += 1) {
    if (buf[at + i] !== expected[i]) return false;
  }
  return true;
}
