import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/shared/errors.js';
import type { FrameRecord, SessionOutcome } from '../../src/contract/frames.js';
import type { TranscriptEntry, TranscriptHeader } from '../../src/transcript/format.js';
import { createTranscriptParser } from '../../src/transcript/parser.js';
import { readTranscript, scanTranscript } from '../../src/transcript/reader.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-reader-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER =
  '{"ws-validate-transcript":1,"target":{"env":"local","url":"ws://localhost:8000/ws"},' +
  '"trigger":{"type":"agent_execution","thread_id":"t1","run_id":"r1"},' +
  '"triggerFrame":{"type":"agent_execution"},"budgets":{"firstEventMs":15000,"totalMs":30000},' +
  '"startedAt":"2026-11-24T10:00:00.000Z"}';

async function fileWith(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function readAll(path: string): Promise<TranscriptEntry[]> {
  const entries: TranscriptEntry[] = [];
  for await (const entry of readTranscript(path)) entries.push(entry);
  return entries;
}

function frames(entries: TranscriptEntry[]): FrameRecord[] {
  return entries.flatMap((entry) => (entry.kind === 'frame' ? [entry.frame] : []));
}

/** Parses `text` fed in chunks of `size` bytes and returns what the sink saw. */
function parseInChunks(text: string, size: number): { format: string; seen: unknown[] } {
  const seen: unknown[] = [];
  const parser = createTranscriptParser(
    {
      header: (header: TranscriptHeader) => seen.push(header),
      frame: (frame: FrameRecord) => seen.push(frame),
      end: (outcome: SessionOutcome) => seen.push(outcome),
    },
    'chunks.ndjson',
  );
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += size) parser.push(bytes.subarray(i, i + size));
  return { format: parser.finish(), seen };
}

describe('readTranscript: format detection', () => {
  it('reads a recording: header, frames of each kind, end', async () => {
    const path = await fileWith(
      'recording.ndjson',
      [
        HEADER,
        '{"seq":1,"dir":"out","t":0,"frame":{"type":"agent_execution"}}',
        '{"seq":2,"dir":"in","t":4.5,"size":17,"frame":{"type":"ack"}}',
        '{"seq":3,"dir":"in","t":6,"text":"hello"}',
        '{"seq":4,"dir":"in","t":7,"binary":"AAEC"}',
        '{"seq":5,"dir":"in","t":8,"truncated":true,"size":2000000,"text":"{\\"type\\":"}',
        '{"close":{"code":1000,"reason":"bye"},"end":"closed","durationMs":9}',
        '',
      ].join('\n'),
    );
    const entries = await readAll(path);
    expect(entries.map((entry) => entry.kind)).toEqual([
      'header',
      'frame',
      'frame',
      'frame',
      'frame',
      'frame',
      'end',
    ]);
    const [header] = entries;
    expect(header?.kind === 'header' && header.header.trigger?.run_id).toBe('r1');
    const read = frames(entries);
    expect(read[0]).toMatchObject({ seq: 1, dir: 'out', atMs: 0, kind: 'json' });
    expect(read[1]).toMatchObject({
      seq: 2,
      atMs: 4.5,
      kind: 'json',
      data: { type: 'ack' },
      size: 17,
    });
    expect(read[2]).toMatchObject({ seq: 3, kind: 'text', text: 'hello', size: 5 });
    expect(read[3]).toMatchObject({ seq: 4, kind: 'binary', size: 3 });
    expect(read[4]).toMatchObject({ seq: 5, kind: 'text', text: '{"type":', size: 2_000_000 });
    expect(entries[5]).toMatchObject({ kind: 'frame', truncated: true });
    expect(entries[2]).toMatchObject({ kind: 'frame', truncated: false });
    expect(entries.at(-1)).toEqual({
      kind: 'end',
      outcome: { reason: 'closed', close: { code: 1000, reason: 'bye' }, durationMs: 9 },
    });
  });

  it('reads a plain file as received frames numbered by line, non-JSON lines as text', async () => {
    const lines = ['', '{"type":"agent_started"}', 'oops, not json', '  ', '[1,2]', '42'];
    const path = await fileWith('plain.ndjson', lines.join('\r\n'));
    const entries = await readAll(path);
    expect(entries.every((entry) => entry.kind === 'frame')).toBe(true);
    expect(frames(entries)).toEqual([
      expect.objectContaining({ seq: 2, dir: 'in', atMs: null, kind: 'json', size: 24 }),
      expect.objectContaining({ seq: 3, kind: 'text', text: 'oops, not json', size: 14 }),
      expect.objectContaining({ seq: 5, kind: 'json', data: [1, 2] }),
      expect.objectContaining({ seq: 6, kind: 'json', data: 42 }),
    ]);
  });

  it('treats a first line that merely mentions the marker as a plain frame', async () => {
    const path = await fileWith(
      'mention.ndjson',
      '{"type":"note","text":"ws-validate-transcript"}\n',
    );
    const format = await scanTranscript(path, {
      header: () => expect.unreachable('no header expected'),
      frame: () => undefined,
      end: () => undefined,
    });
    expect(format).toBe('plain');
  });

  it('detects a recording saved with a byte order mark', async () => {
    const path = await fileWith('bom.ndjson', `\ufeff${HEADER}\n`);
    expect((await readAll(path)).map((entry) => entry.kind)).toEqual(['header']);
  });

  it('counts UTF-8 bytes for the size of a plain line', async () => {
    const path = await fileWith('utf8.ndjson', '{"type":"héllo ✓"}\n');
    expect(frames(await readAll(path))[0]?.size).toBe(Buffer.byteLength('{"type":"héllo ✓"}'));
  });
});

describe('readTranscript: errors', () => {
  it('names the line of invalid JSON in a recording', async () => {
    const path = await fileWith(
      'broken.ndjson',
      `${HEADER}\n{"seq":1,"dir":"in","t":1,"frame":{}}\n\n{"seq":2,"dir":"in",\n`,
    );
    const seen: TranscriptEntry[] = [];
    const error: unknown = await (async () => {
      for await (const entry of readTranscript(path)) seen.push(entry);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'TRANSCRIPT_INVALID', exitCode: 2 });
    expect((error as Error).message).toContain(`${path}:4:`);
    // The entries before the broken line were still delivered.
    expect(seen.map((entry) => entry.kind)).toEqual(['header', 'frame']);
  });

  it.each([
    [
      'a frame line without content',
      '{"seq":1,"dir":"in","t":1}',
      2,
      /"frame", "text" or "binary"/,
    ],
    ['a bad direction', '{"seq":1,"dir":"up","t":1,"frame":{}}', 2, /"dir"/],
    ['a line that is neither frame nor end', '{"hello":1}', 2, /neither/],
    ['an unknown end reason', '{"close":null,"end":"exploded","durationMs":1}', 2, /end reason/],
    ['a second header', HEADER, 2, /second transcript header/],
  ])('rejects %s with its line number', async (_name, line, lineNo, problem) => {
    const path = await fileWith('bad-line.ndjson', `${HEADER}\n${line}\n`);
    const error: unknown = await readAll(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TRANSCRIPT_INVALID' });
    expect((error as Error).message).toContain(`:${lineNo}:`);
    expect((error as Error).message).toMatch(problem);
  });

  it('rejects content after the end line', async () => {
    const path = await fileWith(
      'after-end.ndjson',
      `${HEADER}\n{"close":null,"end":"terminal","durationMs":1}\n{"seq":9,"dir":"in","t":1,"frame":{}}\n`,
    );
    await expect(readAll(path)).rejects.toThrow(/:3: content after the end line/);
  });

  it('rejects an unsupported transcript version', async () => {
    const path = await fileWith(
      'v2.ndjson',
      HEADER.replace('"ws-validate-transcript":1', '"ws-validate-transcript":2'),
    );
    await expect(readAll(path)).rejects.toMatchObject({ code: 'TRANSCRIPT_INVALID' });
  });

  it('rejects a missing file or a directory with TRANSCRIPT_UNREADABLE', async () => {
    const missing = join(dir, 'missing.ndjson');
    await expect(readAll(missing)).rejects.toMatchObject({
      code: 'TRANSCRIPT_UNREADABLE',
      exitCode: 2,
      message: expect.stringContaining(missing) as unknown,
    });
    await expect(scanTranscript(dir, { header() {}, frame() {}, end() {} })).rejects.toMatchObject({
      code: 'TRANSCRIPT_UNREADABLE',
    });
  });
});

describe('createTranscriptParser: chunk boundaries', () => {
  const text = [
    HEADER,
    '{"seq":1,"dir":"in","t":1,"frame":{"type":"agent_thinking","data":{"reasoning":"überlegt ✓ 🚀"}}}',
    '{"seq":2,"dir":"in","t":2,"text":"plain ✓"}',
    '{"close":null,"end":"terminal","durationMs":3}',
  ].join('\n');

  it('gives the same result for any chunk size, multibyte characters split included', () => {
    const whole = parseInChunks(text, text.length * 4);
    expect(whole.format).toBe('recording');
    expect(whole.seen).toHaveLength(4);
    for (const size of [1, 2, 3, 7, 64]) {
      expect(parseInChunks(text, size)).toEqual(whole);
    }
    expect(whole.seen[1]).toMatchObject({
      data: { type: 'agent_thinking', data: { reasoning: 'überlegt ✓ 🚀' } },
    });
  });

  it('reads a last line without a newline', () => {
    const { seen } = parseInChunks('{"type":"a"}\n{"type":"b"}', 5);
    expect(seen).toEqual([
      expect.objectContaining({ seq: 1, data: { type: 'a' } }),
      expect.objectContaining({ seq: 2, data: { type: 'b' } }),
    ]);
  });

  it('refuses an input with no frames at all (empty or blank lines only)', () => {
    expect(() => parseInChunks('', 10)).toThrow(
      expect.objectContaining({ code: 'TRANSCRIPT_EMPTY' }),
    );
    expect(() => parseInChunks('\n  \n\r\n', 10)).toThrow(/holds no frames/);
  });

  it('refuses UTF-16 text, with a hint to convert it', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('{"type":"ping"}\n', 'utf16le'),
    ]);
    const parser = createTranscriptParser(
      { header: () => {}, frame: () => {}, end: () => {} },
      'u16.ndjson',
    );
    expect(() => parser.push(utf16)).toThrow(
      expect.objectContaining({ code: 'TRANSCRIPT_NOT_UTF8', exitCode: 2 }),
    );
  });
});

describe('readTranscript: streaming', () => {
  it('streams a 200,000-line file', async () => {
    const count = 200_000;
    const path = join(dir, 'large.ndjson');
    const out = createWriteStream(path);
    out.write(`${HEADER}\n`);
    for (let seq = 1; seq <= count; seq += 1) {
      const line = `{"seq":${seq},"dir":"in","t":${seq},"frame":{"type":"heartbeat","n":${seq}}}\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end('{"close":null,"end":"terminal","durationMs":1}\n');
    await once(out, 'finish');

    let frameCount = 0;
    let seqSum = 0;
    let last: TranscriptEntry | undefined;
    for await (const entry of readTranscript(path)) {
      if (entry.kind === 'frame') {
        frameCount += 1;
        seqSum += entry.frame.seq;
      }
      last = entry;
    }
    expect(frameCount).toBe(count);
    expect(seqSum).toBe((count * (count + 1)) / 2);
    expect(last?.kind).toBe('end');
  });

  it.skipIf(process.platform === 'win32')(
    'yields entries while the file is still being written (nothing waits for the end)',
    async () => {
      const fifo = join(dir, 'live.fifo');
      execFileSync('mkfifo', [fifo]);
      let firstSeen: () => void = () => undefined;
      const seenFirst = new Promise<void>((resolve) => (firstSeen = resolve));
      const writing = (async () => {
        const out = createWriteStream(fifo);
        out.write(`${HEADER}\n{"seq":1,"dir":"in","t":1,"frame":{"type":"ping"}}\n`);
        // The rest is written only after the reader has handed out the first frame.
        await seenFirst;
        out.end('{"seq":2,"dir":"in","t":2,"frame":{"type":"pong"}}\n');
        await once(out, 'finish');
      })();
      const kinds: string[] = [];
      for await (const entry of readTranscript(fifo)) {
        kinds.push(entry.kind);
        if (entry.kind === 'frame') firstSeen();
      }
      await writing;
      expect(kinds).toEqual(['header', 'frame', 'frame']);
    },
    5_000,
  );
});
