import { Buffer } from 'node:buffer';

import { UsageError } from '../shared/errors.js';
import type { FrameRecord, SessionOutcome } from '../contract/frames.js';
import { createFrameLineReader } from './frame-line.js';
import { createLineSplitter } from './lines.js';
import {
  TRANSCRIPT_MARKER,
  TRUNCATED_KEEP_BYTES,
  invalidLine,
  isObject,
  parseEnd,
  parseHeader,
  type TranscriptFormat,
  type TranscriptHeader,
} from './format.js';

/** Receives what a transcript parser reads, synchronously and in file order. */
export interface TranscriptSink {
  header(header: TranscriptHeader): void;
  /** `truncated` is true when the recording kept only the first 1 KiB of the frame. */
  frame(frame: FrameRecord, truncated: boolean): void;
  end(outcome: SessionOutcome): void;
}

/** Splits NDJSON bytes into lines and turns each into a header, frame or end for a sink. */
export interface TranscriptParser {
  /** Feeds the next bytes of the file; lines may span chunks. */
  push(chunk: Buffer): void;
  /** Reads the last line (if it had no newline) and returns the detected format. */
  finish(): TranscriptFormat;
}

const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const BYTE_ORDER_MARK = 0xfeff;

/** Options of a transcript parser. */
export interface TranscriptParserOptions {
  /** Longer lines are never joined: each is read as a truncated frame (default: no limit). */
  maxLineBytes?: number;
}

/**
 * Creates a parser that reports to `sink`; `path` only names the input in errors. A recording's
 * frames must come in `seq` order with `t` never going back (else the file was edited: a usage
 * error), and a plain file must hold at least one frame, a JSON object with a `type`.
 */
export function createTranscriptParser(
  sink: TranscriptSink,
  path: string,
  options: TranscriptParserOptions = {},
): TranscriptParser {
  let mode: 'unknown' | TranscriptFormat = 'unknown';
  let lineNo = 0;
  let ended = false;
  const readWrittenLine = createFrameLineReader();
  // What a plain file showed: a frame at all, and lines shaped like a recording's frame lines.
  let sawFrame = false;
  let sawRecordingLine = false;
  let last: { seq: number; t: number | null } | null = null;

  const frameInOrder = (frame: FrameRecord, truncated: boolean): void => {
    const { seq, atMs: t } = frame;
    if (last !== null && seq <= last.seq) {
      throw invalidLine(path, lineNo, `seq ${seq} comes after seq ${last.seq}: ${EDITED}`);
    }
    if (t !== null && last?.t != null && t < last.t) {
      throw invalidLine(path, lineNo, `t ${t} comes after t ${last.t}: ${EDITED}`);
    }
    last = { seq, t: t ?? last?.t ?? null };
    sink.frame(frame, truncated);
  };

  const handleLine = (buf: Buffer, start: number, stop: number): void => {
    lineNo += 1;
    let end = stop;
    if (end > start && buf[end - 1] === CARRIAGE_RETURN) end -= 1;
    if (end === start) return;
    const first = buf[start];
    if ((first === SPACE || first === TAB) && isBlank(buf, start, end)) return;
    if (mode === 'recording' && !ended) {
      const frame = readWrittenLine(buf, start, end);
      if (frame !== null) {
        frameInOrder(frame, false);
        return;
      }
    }
    const text = buf.toString('utf8', start, end);
    if (mode === 'plain') {
      readPlainLine(text, end - start);
    } else if (mode === 'recording') {
      readRecordingLine(text, end - start);
    } else {
      detect(text, end - start);
    }
  };

  // A line over the limit is a frame over it: the head says which, the rest was never read in.
  const handleOversized = (head: Buffer, bytes: number): void => {
    lineNo += 1;
    if (ended) throw invalidLine(path, lineNo, 'content after the end line');
    const text = head.toString('utf8');
    const wrapper = /^\{"seq":(\d+),"dir":"(in|out)"(?:,"t":(\d+(?:\.\d+)?))?/.exec(text);
    if (mode === 'recording' && wrapper !== null) {
      const t = wrapper[3] === undefined ? null : Number(wrapper[3]);
      const dir = wrapper[2] === 'out' ? 'out' : 'in';
      frameInOrder(makeFrame(Number(wrapper[1]), dir, t, 'text', undefined, text, bytes), true);
      return;
    }
    if (mode === 'unknown') mode = 'plain';
    sawFrame = true;
    sink.frame(makeFrame(lineNo, 'in', null, 'text', undefined, text, bytes), true);
  };

  const detect = (line: string, size: number): void => {
    // Editors on Windows may save a byte order mark; it is not part of the first frame.
    const text = line.charCodeAt(0) === BYTE_ORDER_MARK ? line.slice(1) : line;
    if (text.includes(TRANSCRIPT_MARKER)) {
      const header = parseHeader(tryParse(text), path, lineNo);
      if (header !== null) {
        mode = 'recording';
        sink.header(header);
        return;
      }
    }
    mode = 'plain';
    readPlainLine(text, text === line ? size : size - 3);
  };

  const readPlainLine = (text: string, size: number): void => {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // The server sent this line; a non-JSON frame is a finding for the judge, not a read error.
      sink.frame(makeFrame(lineNo, 'in', null, 'text', undefined, text, size), false);
      return;
    }
    if (isObject(data)) {
      if (typeof data.type === 'string') sawFrame = true;
      else if (data.seq !== undefined && data.dir !== undefined) sawRecordingLine = true;
    }
    sink.frame(makeFrame(lineNo, 'in', null, 'json', data, undefined, size), false);
  };

  const readRecordingLine = (text: string, size: number): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw invalidLine(path, lineNo, 'not valid JSON');
    }
    if (ended) throw invalidLine(path, lineNo, 'content after the end line');
    if (!isObject(value)) throw invalidLine(path, lineNo, 'expected a JSON object');
    if (value.seq !== undefined) {
      readFrameLine(value, size);
    } else if (value.end !== undefined) {
      ended = true;
      sink.end(parseEnd(value, path, lineNo));
    } else if (value[TRANSCRIPT_MARKER] !== undefined) {
      throw invalidLine(path, lineNo, 'a second transcript header');
    } else {
      throw invalidLine(path, lineNo, 'neither a frame line ("seq") nor the end line ("end")');
    }
  };

  const readFrameLine = (line: Record<string, unknown>, lineSize: number): void => {
    const { seq, dir, t } = line;
    if (typeof seq !== 'number' || !Number.isInteger(seq)) {
      throw invalidLine(path, lineNo, '"seq" must be an integer');
    }
    if (dir !== 'in' && dir !== 'out')
      throw invalidLine(path, lineNo, '"dir" must be "in" or "out"');
    if (t !== null && typeof t !== 'number') {
      throw invalidLine(path, lineNo, '"t" must be milliseconds since the trigger, or null');
    }
    const size = line.size;
    if (size !== undefined && (typeof size !== 'number' || size < 0)) {
      throw invalidLine(path, lineNo, '"size" must be a byte count');
    }
    const truncated = line.truncated === true;
    if (line.frame !== undefined && !truncated) {
      // Without a recorded size the line's own length is the closest bound we have.
      frameInOrder(makeFrame(seq, dir, t, 'json', line.frame, undefined, size ?? lineSize), false);
      return;
    }
    if (typeof line.text === 'string') {
      const bytes = size ?? Buffer.byteLength(line.text);
      const frame = makeFrame(seq, dir, t, 'text', undefined, line.text, bytes);
      if (line.notUtf8 === true) frame.notUtf8 = true;
      frameInOrder(frame, truncated);
      return;
    }
    if (typeof line.binary === 'string') {
      const data = Buffer.from(line.binary, 'base64');
      frameInOrder(
        makeFrame(seq, dir, t, 'binary', data, undefined, size ?? data.length),
        truncated,
      );
      return;
    }
    throw invalidLine(path, lineNo, 'a frame line needs "frame", "text" or "binary"');
  };

  const lines = createLineSplitter(
    { line: handleLine, oversized: handleOversized },
    options.maxLineBytes ?? Infinity,
    TRUNCATED_KEEP_BYTES,
  );
  let firstChunk = true;
  return {
    push(chunk) {
      if (firstChunk) {
        firstChunk = false;
        refuseBinary(chunk, path);
      }
      lines.push(chunk);
    },
    finish() {
      lines.finish();
      if (mode === 'unknown') {
        throw new UsageError('TRANSCRIPT_EMPTY', `${path} holds no frames`, { hint: INPUT_HINT });
      }
      if (mode === 'plain' && !sawFrame) {
        throw new UsageError(
          'NOT_FRAMES',
          `${path} holds no frame: no line is a JSON object with a "type"`,
          {
            hint: sawRecordingLine
              ? 'it looks like a recording without its header line: restore the first line written by --record'
              : INPUT_HINT,
          },
        );
      }
      return mode;
    },
  };
}

const INPUT_HINT =
  'pass a recording written by --record, or an NDJSON file with one received frame per line';
const EDITED = 'the recording was reordered or edited';

// gzip and UTF-16 files are files to convert first, not frames (JSON text in UTF-8 holds no NUL).
function refuseBinary(chunk: Buffer, path: string): void {
  if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
    throw new UsageError('TRANSCRIPT_GZIP', `${path} is gzip-compressed`, {
      hint: 'decompress it first, e.g. gunzip -k FILE, or gunzip -c FILE | ws-validate check -',
    });
  }
  const head = chunk.subarray(0, 4096);
  const utf16 = (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
  if (utf16 || head.includes(0)) {
    throw new UsageError('TRANSCRIPT_NOT_UTF8', `${path} is not UTF-8 text`, {
      hint: 'recordings and NDJSON frame files are UTF-8; convert it, e.g. iconv -f UTF-16 -t UTF-8',
    });
  }
}

// Every FrameRecord gets the same properties in the same order, so the judge sees one shape.
function makeFrame(
  seq: number,
  dir: 'in' | 'out',
  atMs: number | null,
  kind: FrameRecord['kind'],
  data: unknown,
  text: string | undefined,
  size: number,
): FrameRecord {
  return { seq, dir, atMs, kind, data, text, size };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isBlank(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const byte = buf[i];
    if (byte !== SPACE && byte !== TAB) return false;
  }
  return true;
}
