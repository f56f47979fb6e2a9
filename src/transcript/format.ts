/*
 * The recording format written by `--record` and read by `ws-validate check` (NDJSON, one JSON
 * value per line, every line passed through the redactor before it is written):
 *
 *   {"ws-validate-transcript":1,"target":{"env","url"},"trigger":{"type","thread_id","run_id","user_id"?}|null,
 *    "triggerFrame":<the trigger as sent>,"budgets":{"firstEventMs","totalMs"}|null,"startedAt":"<ISO>"}
 *   {"seq":N,"dir":"out"|"in","t":<ms since trigger>|null,"size":<bytes>,"frame":<parsed JSON>}
 *     (a frame nested too deeply to serialise again keeps the JSON text it came as)
 *   {"seq":N,"dir":..,"t":..,"size":<bytes>,"text":"<a frame that was not JSON>"}
 *     (with "notUtf8":true when its bytes were not UTF-8: the text shows them as U+FFFD)
 *   {"seq":N,"dir":..,"t":..,"size":<bytes>,"binary":"<base64>"}
 *   {"seq":N,"dir":..,"t":..,"truncated":true,"size":<bytes>,"text":"<first 1 KiB>"}   (or "binary")
 *   {"close":{"code","reason"}|null,"end":"<SessionEndReason>","durationMs":N|null,
 *    "failure"?:{"code","message","hint"?,"exitCode"}}
 *
 * `size` is the frame's size on the wire; it may be left out of hand-written frame lines (the line's
 * own length, the text's or the decoded bytes' length stands in). A frame over the recording limit
 * (the writer's limit: --max-frame-size for a live run) keeps only its first 1 KiB: `check` cannot judge a truncated text or JSON frame
 * field by field, so it treats it as an oversized frame — judging stops there and the run ends as
 * `frame_too_large` (exit 3 unless agent_completed had already arrived). A truncated binary frame
 * is judged as any binary frame, since its bytes never matter. A file whose first non-empty line is
 * not a header is plain NDJSON: every line one received frame (`t` unknown, `seq` = line number).
 */
import { Buffer } from 'node:buffer';

import { UsageError } from '../shared/errors.js';
import { NOT_PRINTABLE, stringifySafely } from '../shared/fields.js';
import type {
  CloseInfo,
  FrameRecord,
  RunError,
  SessionEndReason,
  SessionOutcome,
} from '../contract/frames.js';
import type { TriggerInfo } from '../contract/types.js';

/** Version number written under the `ws-validate-transcript` key of every recording header. */
export const TRANSCRIPT_VERSION = 1;

/** Key whose presence on the first non-empty line marks a file as a recording. */
export const TRANSCRIPT_MARKER = 'ws-validate-transcript';

/** Default recording limit in bytes (1 MiB): larger frames are written truncated. */
export const DEFAULT_RECORD_FRAME_LIMIT = 1024 * 1024;

/** Bytes of a truncated frame kept in the recording (1 KiB). */
export const TRUNCATED_KEEP_BYTES = 1024;

/** The time budgets a recording was judged with, in milliseconds. */
export interface TranscriptBudgets {
  firstEventMs: number;
  totalMs: number;
}

/** The first line of a recording: what was tested, how, and when. */
export interface TranscriptHeader {
  [TRANSCRIPT_MARKER]: typeof TRANSCRIPT_VERSION;
  /** The environment name and the WebSocket URL (secrets redacted). */
  target: { env: string; url: string };
  /** The ids of the run; null when no trigger was sent. */
  trigger: TriggerInfo | null;
  /** The trigger message as sent, so that a check can recognise an echo of it. */
  triggerFrame: unknown;
  /** Null when time budgets should not be judged. */
  budgets: TranscriptBudgets | null;
  /** ISO-8601 time the session started. */
  startedAt: string;
}

/** The header fields a writer is given; the version marker is added by the writer. */
export type TranscriptHeaderInit = Omit<TranscriptHeader, typeof TRANSCRIPT_MARKER>;

/** One item read from a recording or a plain NDJSON file, in file order. */
export type TranscriptEntry =
  | { kind: 'header'; header: TranscriptHeader }
  /** `truncated` is true when the recording kept only the first 1 KiB of the frame. */
  | { kind: 'frame'; frame: FrameRecord; truncated: boolean }
  | { kind: 'end'; outcome: SessionOutcome };

/** `recording`: a file with a transcript header; `plain`: one received frame per line. */
export type TranscriptFormat = 'recording' | 'plain';

const END_REASONS: ReadonlySet<string> = new Set<SessionEndReason>([
  'terminal',
  'closed',
  'dropped',
  'first_event_timeout',
  'timeout',
  'frame_too_large',
  'interrupted',
  'end_of_recording',
]);

/** Serialises a recording header as one line (without the newline). */
export function formatHeaderLine(header: TranscriptHeaderInit): string {
  return JSON.stringify({
    [TRANSCRIPT_MARKER]: TRANSCRIPT_VERSION,
    target: header.target,
    trigger: header.trigger,
    triggerFrame: header.triggerFrame ?? null,
    budgets: header.budgets,
    startedAt: header.startedAt,
  });
}

/**
 * Serialises one frame as one line, truncated to 1 KiB when it exceeds `limitBytes`; a JSON frame
 * too deeply nested to serialise again is written as it came on the wire (`wire`), when known.
 */
export function formatFrameLine(
  frame: FrameRecord,
  limitBytes = DEFAULT_RECORD_FRAME_LIMIT,
  wire?: Buffer,
): string {
  const { seq, dir, atMs: t } = frame;
  if (frame.kind === 'binary') {
    const bytes = toBytes(frame.data);
    const size = frame.size > 0 ? frame.size : bytes.length;
    if (size > limitBytes || bytes.length > limitBytes) {
      const kept = bytes.subarray(0, TRUNCATED_KEEP_BYTES).toString('base64');
      return JSON.stringify({ seq, dir, t, truncated: true, size, binary: kept });
    }
    return JSON.stringify({ seq, dir, t, size, binary: bytes.toString('base64') });
  }
  const text = frame.kind === 'json' ? jsonText(frame, wire) : (frame.text ?? '');
  if (frame.kind === 'json' && text === NOT_PRINTABLE) {
    // Nested too deeply to write back, and its wire text unknown: kept as a note (non-JSON text to `check`).
    return JSON.stringify({ seq, dir, t, size: frame.size, text });
  }
  // Cheap bound first: a UTF-8 string has at most 3 bytes per UTF-16 unit.
  const textBytes = text.length * 3 > limitBytes ? Buffer.byteLength(text) : text.length;
  const notUtf8 = frame.notUtf8 === true ? { notUtf8: true } : {};
  if (frame.size > limitBytes || textBytes > limitBytes) {
    const size = Math.max(frame.size, Buffer.byteLength(text));
    return JSON.stringify({ seq, dir, t, truncated: true, size, text: headOf(text), ...notUtf8 });
  }
  if (frame.kind !== 'json') {
    return JSON.stringify({ seq, dir, t, size: frame.size, text, ...notUtf8 });
  }
  // The frame is serialised once, above; its text goes into the line as it is.
  const head = JSON.stringify({ seq, dir, t, size: frame.size });
  return `${head.slice(0, -1)},"frame":${text}}`;
}

/** Serialises how the session ended as the last line of a recording. */
export function formatEndLine(outcome: SessionOutcome): string {
  const line: Record<string, unknown> = {
    close: outcome.close,
    end: outcome.reason,
    durationMs: outcome.durationMs,
  };
  if (outcome.failure !== undefined) {
    const { code, message, hint, exitCode } = outcome.failure;
    line.failure =
      hint === undefined ? { code, message, exitCode } : { code, message, hint, exitCode };
  }
  return JSON.stringify(line);
}

/** Builds the error for a recording line that cannot be read, naming the file and line. */
export function invalidLine(path: string, lineNo: number, problem: string): UsageError {
  return new UsageError('TRANSCRIPT_INVALID', `${path}:${lineNo}: ${problem}`, {
    hint: 'a recording is the NDJSON file written by --record; check that it was not edited or cut',
  });
}

/** Reads a parsed header line, or returns null when the value is not a transcript header. */
export function parseHeader(value: unknown, path: string, lineNo: number): TranscriptHeader | null {
  if (!isObject(value) || !(TRANSCRIPT_MARKER in value)) return null;
  const version = value[TRANSCRIPT_MARKER];
  if (version !== TRANSCRIPT_VERSION) {
    throw invalidLine(path, lineNo, `unsupported transcript version ${JSON.stringify(version)}`);
  }
  const { target, trigger, triggerFrame, budgets, startedAt } = value;
  if (!isObject(target) || typeof target.env !== 'string' || typeof target.url !== 'string') {
    throw invalidLine(path, lineNo, 'header needs "target": {"env": string, "url": string}');
  }
  if (trigger !== null && !isTriggerInfo(trigger)) {
    throw invalidLine(path, lineNo, 'header "trigger" needs string "type", "thread_id", "run_id"');
  }
  if (budgets !== null && !isBudgets(budgets)) {
    throw invalidLine(path, lineNo, 'header "budgets" needs numbers "firstEventMs", "totalMs"');
  }
  if (typeof startedAt !== 'string') {
    throw invalidLine(path, lineNo, 'header needs "startedAt" (an ISO-8601 string)');
  }
  return {
    [TRANSCRIPT_MARKER]: TRANSCRIPT_VERSION,
    target: { env: target.env, url: target.url },
    trigger: trigger === null ? null : trigger,
    triggerFrame: triggerFrame ?? null,
    budgets:
      budgets === null ? null : { firstEventMs: budgets.firstEventMs, totalMs: budgets.totalMs },
    startedAt,
  };
}

/** Reads a parsed end line into the outcome it records. */
export function parseEnd(
  value: Record<string, unknown>,
  path: string,
  lineNo: number,
): SessionOutcome {
  const { close, end, durationMs, failure } = value;
  if (typeof end !== 'string' || !END_REASONS.has(end)) {
    throw invalidLine(path, lineNo, `unknown end reason ${JSON.stringify(end)}`);
  }
  if (close !== null && !isCloseInfo(close)) {
    throw invalidLine(path, lineNo, 'end "close" needs {"code": number, "reason": string} or null');
  }
  if (durationMs !== null && durationMs !== undefined && typeof durationMs !== 'number') {
    throw invalidLine(path, lineNo, 'end "durationMs" must be a number or null');
  }
  const outcome: SessionOutcome = {
    reason: end as SessionEndReason,
    close:
      close === null || close === undefined ? null : { code: close.code, reason: close.reason },
    durationMs: durationMs ?? null,
  };
  if (failure !== undefined && failure !== null) {
    if (
      !isObject(failure) ||
      typeof failure.code !== 'string' ||
      typeof failure.message !== 'string' ||
      typeof failure.exitCode !== 'number'
    ) {
      throw invalidLine(
        path,
        lineNo,
        'end "failure" needs string "code", "message", number "exitCode"',
      );
    }
    const runError: RunError & { exitCode: number } = {
      code: failure.code,
      message: failure.message,
      exitCode: failure.exitCode,
    };
    if (typeof failure.hint === 'string') runError.hint = failure.hint;
    outcome.failure = runError;
  }
  return outcome;
}

/** True for a non-null, non-array object. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTriggerInfo(value: unknown): value is TriggerInfo {
  return (
    isObject(value) &&
    typeof value.type === 'string' &&
    typeof value.thread_id === 'string' &&
    typeof value.run_id === 'string' &&
    (value.user_id === undefined || typeof value.user_id === 'string')
  );
}

function isBudgets(value: unknown): value is TranscriptBudgets {
  return (
    isObject(value) && typeof value.firstEventMs === 'number' && typeof value.totalMs === 'number'
  );
}

function isCloseInfo(value: unknown): value is CloseInfo {
  return isObject(value) && typeof value.code === 'number' && typeof value.reason === 'string';
}

function toBytes(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  // ws delivers a fragmented binary message as an array of Buffers.
  if (Array.isArray(data) && data.every((part) => Buffer.isBuffer(part))) {
    return Buffer.concat(data);
  }
  return Buffer.alloc(0);
}

// The JSON text of a frame: serialised again, or, when it is nested too deeply for that, the text
// it came as (the judge parsed it, so it is JSON), with the line breaks between its tokens, which
// are the only ones JSON text may hold, made spaces to keep the line one line.
function jsonText(frame: FrameRecord, wire: Buffer | undefined): string {
  const text = stringifySafely(frame.data ?? null);
  if (text !== NOT_PRINTABLE || wire === undefined) return text;
  return wire.toString('utf8').replace(/[\r\n]/g, ' ');
}

function headOf(text: string): string {
  let head = text.slice(0, TRUNCATED_KEEP_BYTES);
  while (Buffer.byteLength(head) > TRUNCATED_KEEP_BYTES) head = head.slice(0, -1);
  // A lone high surrogate at the cut would not survive a UTF-8 round trip.
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return head;
}
