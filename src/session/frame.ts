import { isUtf8 } from 'node:buffer';
import type { RawData } from 'ws';
import type { FrameRecord } from '../contract/frames.js';

/** The bytes of one received message, whichever of its shapes `ws` delivered it in. */
export function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Builds the record of a frame we sent (the trigger, a handshake answer), frame `seq`, from the
 * text that went on the wire; `atMs` is null for one sent before the trigger.
 */
export function sentFrame(seq: number, atMs: number | null, text: string): FrameRecord {
  return {
    seq,
    dir: 'out',
    atMs,
    kind: 'json',
    // What went on the wire, so undefined members and toJSON() are reflected as sent.
    data: JSON.parse(text) as unknown,
    size: Buffer.byteLength(text),
  };
}

/**
 * Builds the record of one received message: JSON when its text parses, else text or binary. A
 * text message that is not UTF-8 is the server breaking the contract, not the connection: it is
 * kept as text (bad bytes shown as U+FFFD), which the judge finds invalid, and never parsed.
 */
export function parseFrame(
  seq: number,
  atMs: number | null,
  bytes: Buffer,
  isBinary: boolean,
): FrameRecord {
  const base = { seq, dir: 'in' as const, atMs, size: bytes.length };
  // The bytes are kept for a recording; nothing judges them.
  if (isBinary) return { ...base, kind: 'binary', data: bytes };
  const text = bytes.toString('utf8');
  if (!isUtf8(bytes)) return { ...base, kind: 'text', text, notUtf8: true };
  try {
    return { ...base, kind: 'json', data: JSON.parse(text) as unknown };
  } catch {
    return { ...base, kind: 'text', text };
  }
}

// RFC 6455 allows a close reason of 123 bytes at most; a server library cuts a longer one there.
const MAX_CLOSE_REASON_BYTES = 123;
// Cut on a character boundary, a reason may end up to 3 bytes short of the limit.
const LONGEST_UTF8_TAIL = 3;

/**
 * The text of a close frame's reason; one at the protocol's limit, where the server's library may
 * have cut it, ends with a cut mark, so that what the cut left of a secret is masked like any other.
 */
export function readCloseReason(reason: Buffer): string {
  const text = reason.toString('utf8');
  return reason.length > MAX_CLOSE_REASON_BYTES - LONGEST_UTF8_TAIL ? `${text}…` : text;
}
