import { createWriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { ensureDir } from '../shared/ensure-dir.js';
import { finished } from 'node:stream/promises';

import { UsageError } from '../shared/errors.js';
import { escapeJsonControl } from '../shared/printable.js';
import { redactStrings } from '../shared/redact.js';
import type { FrameRecord, SessionOutcome } from '../contract/frames.js';
import {
  DEFAULT_RECORD_FRAME_LIMIT,
  formatEndLine,
  formatFrameLine,
  formatHeaderLine,
  type TranscriptHeaderInit,
} from './format.js';

/** Options of a transcript writer. */
export interface TranscriptWriterOptions {
  /** Applied to every serialised line before it is written; removes tokens and other secrets. */
  redact: (text: string) => string;
  /** Frames larger than this many bytes are written truncated to their first 1 KiB (default 1 MiB). */
  maxFrameBytes?: number;
}

/** Appends a session to an NDJSON recording: header, one line per frame, end line. */
export interface TranscriptWriter {
  writeHeader(header: TranscriptHeaderInit): void;
  /** `wire` is the frame as it came, kept when its parsed value cannot be written back. */
  writeFrame(frame: FrameRecord, wire?: Buffer): void;
  writeEnd(outcome: SessionOutcome): void;
  /** Writes every buffered line and closes the file; rejects when any write failed. */
  close(): Promise<void>;
}

// Lines written in one burst (e.g. a frame storm) go to the file as one write.
const FLUSH_BYTES = 64 * 1024;

/** Opens `path` for a recording (truncating it); rejects with RECORD_UNWRITABLE when it cannot be created. */
export async function createTranscriptWriter(
  path: string,
  options: TranscriptWriterOptions,
): Promise<TranscriptWriter> {
  const { redact } = options;
  const limit = options.maxFrameBytes ?? DEFAULT_RECORD_FRAME_LIMIT;
  try {
    await ensureDir(dirname(path));
  } catch (error) {
    throw unwritable(path, error as Error);
  }
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      stream.off('open', onOpen);
      reject(unwritable(path, error));
    };
    const onOpen = (): void => {
      stream.off('error', onError);
      resolve();
    };
    stream.once('error', onError);
    stream.once('open', onOpen);
  });

  let pending = '';
  let waitingForDrain = false;
  let scheduled: NodeJS.Immediate | null = null;
  let failure: Error | null = null;
  let closing: Promise<void> | null = null;
  stream.on('error', (error) => {
    failure ??= error;
  });

  const flush = (): void => {
    scheduled = null;
    if (waitingForDrain || pending === '' || failure !== null) return;
    const chunk = pending;
    pending = '';
    // Honour backpressure: keep lines in `pending` until the file has caught up.
    if (!stream.write(chunk)) {
      waitingForDrain = true;
      stream.once('drain', () => {
        waitingForDrain = false;
        flush();
      });
    }
  };

  const append = (line: string): void => {
    if (closing !== null) throw new Error(`transcript ${path} is already closed`);
    // DEL and C1 controls stay raw in JSON; escaped, a recording is safe to print.
    pending += escapeJsonControl(redactLine(line, redact)) + '\n';
    if (pending.length >= FLUSH_BYTES) flush();
    else scheduled ??= setImmediate(flush);
  };

  return {
    writeHeader(header) {
      append(formatHeaderLine(header));
    },
    writeFrame(frame, wire) {
      append(formatFrameLine(frame, limit, wire));
    },
    writeEnd(outcome) {
      append(formatEndLine(outcome));
    },
    close() {
      closing ??= (async () => {
        if (scheduled !== null) clearImmediate(scheduled);
        scheduled = null;
        // A write still waiting for 'drain' is queued in the stream; end() writes after it.
        const rest = pending;
        pending = '';
        if (failure === null) stream.end(rest);
        try {
          await finished(stream);
        } catch (error) {
          failure ??= error instanceof Error ? error : new Error(String(error));
        }
        if (failure !== null) throw unwritable(path, failure);
      })();
      return closing;
    },
  };
}

// A pattern-based redactor can cut through a JSON escape (`token=abc\"...`) and break the line;
// then the secrets are masked value by value instead, which keeps the line readable by `check`.
function redactLine(line: string, redact: (text: string) => string): string {
  const redacted = redact(line);
  if (redacted === line) return line;
  try {
    JSON.parse(redacted);
    return redacted;
  } catch {
    return JSON.stringify(redactStrings(JSON.parse(line) as unknown, redact));
  }
}

function unwritable(path: string, error: Error): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'its directory does not exist'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : error.message;
  return new UsageError('RECORD_UNWRITABLE', `cannot write recording ${path}: ${reason}`, {
    hint: 'pass --record a file path in an existing, writable directory',
    cause: error,
  });
}
