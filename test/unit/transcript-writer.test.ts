import { Buffer } from 'node:buffer';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { UsageError } from '../../src/shared/errors.js';
import type { FrameRecord, SessionOutcome } from '../../src/contract/frames.js';
import { createRedactor } from '../../src/shared/redact.js';
import {
  TRUNCATED_KEEP_BYTES,
  type TranscriptEntry,
  type TranscriptHeaderInit,
} from '../../src/transcript/format.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { createTranscriptWriter } from '../../src/transcript/writer.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-writer-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const identity = (text: string): string => text;

const header: TranscriptHeaderInit = {
  target: { env: 'embedded', url: 'ws://127.0.0.1:4000/ws' },
  trigger: { type: 'agent_execution', thread_id: 't1', run_id: 'r1', user_id: 'u1' },
  triggerFrame: { type: 'agent_execution', thread_id: 't1', run_id: 'r1' },
  budgets: { firstEventMs: 15_000, totalMs: 30_000 },
  startedAt: '2026-11-24T10:00:00.000Z',
};

async function readAll(path: string): Promise<TranscriptEntry[]> {
  const entries: TranscriptEntry[] = [];
  for await (const entry of readTranscript(path)) entries.push(entry);
  return entries;
}

function framesOf(entries: TranscriptEntry[]): { frame: FrameRecord; truncated: boolean }[] {
  return entries.flatMap((entry) => (entry.kind === 'frame' ? [entry] : []));
}

describe('createTranscriptWriter', () => {
  it('round-trips header, json, text, binary and oversized frames and the end line', async () => {
    const path = join(dir, 'round-trip.ndjson');
    const big = { type: 'partial_result', data: { blob: 'é'.repeat(3000) } };
    const bigSize = Buffer.byteLength(JSON.stringify(big));
    const frames: FrameRecord[] = [
      { seq: 1, dir: 'out', atMs: 0, kind: 'json', data: header.triggerFrame, size: 52 },
      { seq: 2, dir: 'in', atMs: 3.5, kind: 'json', data: { type: 'ack', n: [1, null] }, size: 30 },
      { seq: 3, dir: 'in', atMs: 7, kind: 'text', text: 'not json {', size: 10 },
      { seq: 4, dir: 'in', atMs: 9, kind: 'binary', data: Buffer.from([0, 1, 2, 255]), size: 4 },
      { seq: 5, dir: 'in', atMs: 12, kind: 'json', data: big, size: bigSize },
      { seq: 6, dir: 'in', atMs: null, kind: 'json', data: null, size: 4 },
      { seq: 7, dir: 'in', atMs: 14, kind: 'text', text: '{"\ufffd}', notUtf8: true, size: 4 },
    ];
    const outcome: SessionOutcome = {
      reason: 'dropped',
      close: { code: 1006, reason: '' },
      durationMs: 40,
      failure: { code: 'CONNECTION_DROPPED', message: 'dropped', hint: 'retry', exitCode: 3 },
    };
    const writer = await createTranscriptWriter(path, { redact: identity, maxFrameBytes: 4096 });
    writer.writeHeader(header);
    for (const frame of frames) writer.writeFrame(frame);
    writer.writeEnd(outcome);
    await writer.close();

    const entries = await readAll(path);
    expect(entries[0]).toEqual({
      kind: 'header',
      header: { 'ws-validate-transcript': 1, ...header },
    });
    expect(entries.at(-1)).toEqual({ kind: 'end', outcome });
    const read = framesOf(entries);
    expect(read.map((entry) => entry.truncated)).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
    expect(read[0]?.frame).toEqual(frames[0]);
    expect(read[1]?.frame).toEqual(frames[1]);
    expect(read[2]?.frame).toEqual(frames[2]);
    expect(read[3]?.frame).toMatchObject({ seq: 4, kind: 'binary', size: 4 });
    expect([...(read[3]?.frame.data as Buffer)]).toEqual([0, 1, 2, 255]);
    const truncated = read[4]?.frame;
    expect(truncated).toMatchObject({ seq: 5, dir: 'in', atMs: 12, kind: 'text', size: bigSize });
    expect(Buffer.byteLength(truncated?.text ?? '')).toBeLessThanOrEqual(TRUNCATED_KEEP_BYTES);
    expect(truncated?.text).toBe(JSON.stringify(big).slice(0, truncated?.text?.length));
    expect(truncated?.text?.length).toBeGreaterThan(500);
    expect(read[5]?.frame).toEqual(frames[5]);
    // A text frame that was not UTF-8 stays one, for check to say so as the live run did.
    expect(read[6]?.frame).toEqual(frames[6]);
    expect(read[2]?.frame.notUtf8).toBeUndefined();
  });

  it('writes the documented line shapes', async () => {
    const path = join(dir, 'shapes.ndjson');
    const writer = await createTranscriptWriter(path, { redact: identity, maxFrameBytes: 64 });
    writer.writeHeader(header);
    writer.writeFrame({ seq: 1, dir: 'in', atMs: 5, kind: 'json', data: { type: 'x' }, size: 12 });
    writer.writeFrame({
      seq: 2,
      dir: 'in',
      atMs: 6,
      kind: 'text',
      text: 'y'.repeat(100),
      size: 100,
    });
    writer.writeEnd({ reason: 'terminal', close: null, durationMs: 9 });
    await writer.close();
    const lines = (await readFile(path, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]?.startsWith('{"ws-validate-transcript":1,"target":')).toBe(true);
    expect(lines[1]).toBe('{"seq":1,"dir":"in","t":5,"size":12,"frame":{"type":"x"}}');
    expect(JSON.parse(lines[2] ?? '')).toEqual({
      seq: 2,
      dir: 'in',
      t: 6,
      truncated: true,
      size: 100,
      text: 'y'.repeat(100),
    });
    expect(lines[3]).toBe('{"close":null,"end":"terminal","durationMs":9}');
  });

  it('never writes a planted token, even where a pattern cuts through a JSON escape', async () => {
    const token = 'sekrit-token-7f3a9c1e5b2d';
    const path = join(dir, 'redacted.ndjson');
    const writer = await createTranscriptWriter(path, { redact: createRedactor([token]) });
    writer.writeHeader({
      ...header,
      target: { env: 'staging', url: `wss://api.example.test/ws?token=${token}` },
    });
    writer.writeFrame({
      seq: 1,
      dir: 'out',
      atMs: 0,
      kind: 'json',
      data: { auth: token },
      size: 9,
    });
    writer.writeFrame({ seq: 2, dir: 'in', atMs: 1, kind: 'text', text: `echo ${token}`, size: 9 });
    writer.writeFrame({
      seq: 3,
      dir: 'in',
      atMs: 2,
      kind: 'json',
      data: { note: `token=${token}"quoted"`, [token]: 1 },
      size: 9,
    });
    writer.writeEnd({
      reason: 'closed',
      close: { code: 1008, reason: `bad ${token}` },
      durationMs: 3,
      failure: { code: 'AUTH_FAILED', message: `rejected ${token}`, exitCode: 4 },
    });
    await writer.close();
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain(token);
    expect(text).toContain('***');
    // Every redacted line is still a readable recording line.
    const entries = await readAll(path);
    expect(entries.map((entry) => entry.kind)).toEqual([
      'header',
      'frame',
      'frame',
      'frame',
      'end',
    ]);
  });

  it('keeps every line of large bursts written faster than the file takes them', async () => {
    const path = join(dir, 'burst.ndjson');
    const writer = await createTranscriptWriter(path, { redact: identity });
    const count = 50_000;
    const padding = 'p'.repeat(200);
    writer.writeHeader(header);
    for (let seq = 1; seq <= count; seq += 1) {
      writer.writeFrame({
        seq,
        dir: 'in',
        atMs: seq,
        kind: 'json',
        data: { seq, padding },
        size: 230,
      });
      // Let the file catch up now and then, so that both the drain path and the backlog are used.
      if (seq % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    writer.writeEnd({ reason: 'terminal', close: null, durationMs: count });
    await writer.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines).toHaveLength(count + 3);
    expect(lines.at(-1)).toBe('');
    expect(JSON.parse(lines[count] ?? '')).toMatchObject({ seq: count });
    expect(JSON.parse(lines[count + 1] ?? '')).toMatchObject({ end: 'terminal' });
  });

  it('rejects an unwritable path with RECORD_UNWRITABLE naming it', async () => {
    // A regular file where a folder should be: the folder cannot be created.
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'x');
    const path = join(blocker, 'run.ndjson');
    const error: unknown = await createTranscriptWriter(path, { redact: identity }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'RECORD_UNWRITABLE', exitCode: 2 });
    expect((error as Error).message).toContain(path);
    await expect(createTranscriptWriter(dir, { redact: identity })).rejects.toMatchObject({
      code: 'RECORD_UNWRITABLE',
    });
  });

  it('refuses lines after close and closes only once', async () => {
    const writer = await createTranscriptWriter(join(dir, 'closed.ndjson'), { redact: identity });
    writer.writeHeader(header);
    const first = writer.close();
    expect(writer.close()).toBe(first);
    await first;
    expect(() => writer.writeEnd({ reason: 'terminal', close: null, durationMs: 1 })).toThrow(
      /closed/,
    );
  });
});

describe('createTranscriptWriter folders', () => {
  it('creates the folder of the recording', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-rec-'));
    try {
      const path = join(dir, 'nested', 'deeper', 'run.ndjson');
      const writer = await createTranscriptWriter(path, { redact: (t) => t });
      writer.writeEnd({ reason: 'closed', close: { code: 1000, reason: '' }, durationMs: 5 });
      await writer.close();
      expect(await readFile(path, 'utf8')).toContain('"end":"closed"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
