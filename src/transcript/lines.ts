import { Buffer } from 'node:buffer';

/** Receives the lines of a byte stream, in order. */
export interface LineSink {
  /** A line, `buf[start, end)` without its newline. */
  line(buf: Buffer, start: number, end: number): void;
  /** A line longer than the limit: a copy of its first bytes, and its length in bytes. */
  oversized(head: Buffer, bytes: number): void;
}

/** Splits chunks of bytes into lines; lines may span chunks. */
export interface LineSplitter {
  push(chunk: Buffer): void;
  /** Ends the last line, if it had no newline. */
  finish(): void;
}

const NEWLINE = 0x0a;

/**
 * Creates a splitter that hands `sink` every line of at most `maxLineBytes` bytes, and of a longer
 * one only its first `keepBytes`: the rest is counted as it streams by, never held or joined, so a
 * line of any size costs no more memory than the limit.
 */
export function createLineSplitter(
  sink: LineSink,
  maxLineBytes: number,
  keepBytes: number,
): LineSplitter {
  // Pieces of a line that spans chunks, joined once its newline arrives (not once per chunk).
  let carry: Buffer[] = [];
  let carryBytes = 0;
  // The head of a line found to be over the limit, while the rest of it streams by.
  let head: Buffer | null = null;

  const emit = (buf: Buffer, start: number, end: number): void => {
    if (end - start <= maxLineBytes) sink.line(buf, start, end);
    else sink.oversized(Buffer.from(buf.subarray(start, start + keepBytes)), end - start);
  };

  const extend = (piece: Buffer): void => {
    carryBytes += piece.length;
    if (head !== null) return;
    carry.push(piece);
    if (carryBytes > maxLineBytes) {
      head = Buffer.concat(carry, Math.min(keepBytes, carryBytes));
      carry = [];
    }
  };

  const endCarried = (): void => {
    if (head !== null) sink.oversized(head, carryBytes);
    else {
      const joined = Buffer.concat(carry, carryBytes);
      emit(joined, 0, joined.length);
    }
    carry = [];
    carryBytes = 0;
    head = null;
  };

  return {
    push(chunk) {
      let start = 0;
      if (carryBytes > 0) {
        const nl = chunk.indexOf(NEWLINE);
        extend(nl === -1 ? chunk : chunk.subarray(0, nl));
        if (nl === -1) return;
        endCarried();
        start = nl + 1;
      }
      let nl = chunk.indexOf(NEWLINE, start);
      while (nl !== -1) {
        emit(chunk, start, nl);
        start = nl + 1;
        nl = chunk.indexOf(NEWLINE, start);
      }
      if (start < chunk.length) extend(chunk.subarray(start));
    },
    finish() {
      if (carryBytes > 0) endCarried();
    },
  };
}
