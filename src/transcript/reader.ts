import { Buffer } from 'node:buffer';
import { createReadStream } from 'node:fs';

import { UsageError, WsValidateError } from '../shared/errors.js';
import type { TranscriptEntry, TranscriptFormat } from './format.js';
import {
  createTranscriptParser,
  type TranscriptParserOptions,
  type TranscriptSink,
} from './parser.js';

/** Where a transcript is read from: a file path, or a stream (standard input) and its name in messages. */
export type TranscriptSource = string | { name: string; stream: AsyncIterable<Buffer | string> };

/** The name of a source in messages. */
export function sourceName(source: TranscriptSource): string {
  return typeof source === 'string' ? source : source.name;
}

// Large reads mean fewer chunk boundaries and fewer awaits per million lines.
const READ_CHUNK_BYTES = 1024 * 1024;

/** Streams a recording or plain NDJSON file as entries in file order, holding one chunk at a time. */
export async function* readTranscript(path: string): AsyncIterable<TranscriptEntry> {
  const queue: TranscriptEntry[] = [];
  const parser = createTranscriptParser(
    {
      header: (header) => queue.push({ kind: 'header', header }),
      frame: (frame, truncated) => queue.push({ kind: 'frame', frame, truncated }),
      end: (outcome) => queue.push({ kind: 'end', outcome }),
    },
    path,
  );
  for await (const chunk of readChunks(path)) {
    try {
      parser.push(chunk);
    } finally {
      // Entries read before an invalid line still reach the caller, then the error does.
      yield* queue.splice(0);
    }
  }
  try {
    parser.finish();
  } finally {
    yield* queue.splice(0);
  }
}

/** Streams a recording or plain NDJSON input into `sink` without per-entry promises; resolves to its format. */
export async function scanTranscript(
  source: TranscriptSource,
  sink: TranscriptSink,
  options: TranscriptParserOptions = {},
): Promise<TranscriptFormat> {
  const parser = createTranscriptParser(sink, sourceName(source), options);
  const chunks = typeof source === 'string' ? readChunks(source) : readStream(source);
  for await (const chunk of chunks) parser.push(chunk);
  return parser.finish();
}

async function* readStream(source: {
  name: string;
  stream: AsyncIterable<Buffer | string>;
}): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of source.stream) {
      yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    }
  } catch (error) {
    throw unreadable(source.name, error);
  }
}

async function* readChunks(path: string): AsyncGenerator<Buffer> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  try {
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await chunks.next();
      } catch (error) {
        throw unreadable(path, error);
      }
      if (next.done === true) return;
      yield next.value;
    }
  } finally {
    stream.destroy();
  }
}

function unreadable(path: string, error: unknown): Error {
  if (error instanceof WsValidateError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason =
    code === 'ENOENT'
      ? 'no such file'
      : code === 'EISDIR'
        ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : error instanceof Error
            ? error.message
            : String(error);
  return new UsageError('TRANSCRIPT_UNREADABLE', `cannot read ${path}: ${reason}`, {
    hint: 'pass a recording written by --record, or an NDJSON file with one received frame per line',
    cause: error,
  });
}
