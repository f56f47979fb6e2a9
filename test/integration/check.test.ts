import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { checkRecording } from '../../src/run/check.js';
import { ExitCode } from '../../src/shared/errors.js';
import type { FrameRecord } from '../../src/contract/frames.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { loadProfile, type LoadedProfile } from '../../src/contract/profiles.js';
import { createTranscriptWriter } from '../../src/transcript/writer.js';

const RECORDINGS = fileURLToPath(new URL('../fixtures/recordings/', import.meta.url));

let profiles: LoadedProfile[];
let dir: string;

beforeAll(async () => {
  profiles = [await loadProfile({ kind: 'built-in', name: 'canonical' })];
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-check-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function check(name: string): Promise<RunReport> {
  return checkRecording(join(RECORDINGS, name), { profiles });
}

function statusOf(report: RunReport, type: string): string | undefined {
  return report.events.find((event) => event.type === type)?.status;
}

function diagnosisCodes(report: RunReport): string[] {
  return report.diagnoses.map((diagnosis) => diagnosis.code);
}

function ruleStatus(report: RunReport, id: string): string | undefined {
  return report.rules.find((rule) => rule.id === id)?.status;
}

describe('checkRecording over hand-written recordings', () => {
  it('passes the happy run and takes target, trigger and timing from the header', async () => {
    const report = await check('happy.ndjson');
    expect(report.exitCode).toBe(ExitCode.Pass);
    expect(report.verdict).toBe('pass');
    expect(report.schemaVersion).toBe(2);
    expect(report.events.map((event) => event.status)).toEqual([
      'pass',
      'pass',
      'pass',
      'pass',
      'pass',
    ]);
    expect(ruleStatus(report, 'time_budget')).toBe('pass');
    expect(report.target).toEqual({
      env: 'staging',
      url: 'wss://api.staging.netrasystems.ai/ws',
    });
    expect(report.trigger.run_id).toBe('run_thread_8d1c2e4f_51234_7f3a');
    expect(report.startedAt).toBe('2026-11-24T10:00:00.000Z');
    expect(report.durationMs).toBe(2400);
    expect(report.close).toEqual({ code: 1000, reason: '' });
    expect(report.frames).toMatchObject({ received: 6, sent: 1 });
    expect(report.attempts).toEqual([]);
  });

  it('fails a run with a missing event', async () => {
    const report = await check('missing-event.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(report.verdict).toBe('fail');
    expect(statusOf(report, 'agent_thinking')).toBe('missing');
    expect(statusOf(report, 'agent_completed')).toBe('pass');
    expect(ruleStatus(report, 'presence')).toBe('fail');
  });

  it('fails a run with two agent_completed', async () => {
    const report = await check('duplicate-completed.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(report.events.find((event) => event.type === 'agent_completed')?.count).toBe(2);
    expect(diagnosisCodes(report)).toContain('duplicate_event');
  });

  it('fails the agent bridge shape and names the drifted path', async () => {
    const report = await check('bridge-shape.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(statusOf(report, 'tool_executing')).toBe('fail');
    expect(diagnosisCodes(report)).toContain('shape_drift');
    const paths = report.events.flatMap((event) => event.errors.map((error) => error.path));
    expect(paths).toContain('data.tool_args');
  });

  it('fails wrapped events', async () => {
    const report = await check('wrapped.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(report.events.every((event) => event.status === 'missing')).toBe(true);
    expect(diagnosisCodes(report)).toContain('wrapped_events');
  });

  it('recognises an echo of the trigger from the header triggerFrame', async () => {
    const report = await check('echo.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(diagnosisCodes(report)).toContain('echo');
  });

  it('recognises an ack-only answer', async () => {
    const report = await check('ack-only.ndjson');
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(diagnosisCodes(report)).toContain('ack_only');
  });

  it('gives exit 5 when the recorded run timed out after it started', async () => {
    const report = await check('timeout-after-start.ndjson');
    expect(report.exitCode).toBe(ExitCode.Timeout);
    expect(report.verdict).toBe('fail');
    expect(statusOf(report, 'agent_started')).toBe('pass');
    expect(statusOf(report, 'agent_completed')).toBe('missing');
    expect(report.durationMs).toBe(30000);
  });

  it('passes a recorded connection drop through as exit 3', async () => {
    const report = await check('drop.ndjson');
    expect(report.exitCode).toBe(ExitCode.Connection);
    expect(report.verdict).toBe('error');
    expect(report.error?.code).toBe('CONNECTION_DROPPED');
    expect(report.close).toEqual({ code: 1006, reason: '' });
  });

  it('gives exit 4 for AUTH_FAILED followed by close 1008', async () => {
    const report = await check('auth-failure.ndjson');
    expect(report.exitCode).toBe(ExitCode.Auth);
    expect(report.error?.code).toBe('AUTH_FAILED');
    expect(diagnosisCodes(report)).toContain('auth_failed');
  });
});

describe('checkRecording over plain NDJSON files', () => {
  it('passes the canonical frames and skips the time budget', async () => {
    const path = join(RECORDINGS, 'plain-canonical.ndjson');
    const report = await checkRecording(path, { profiles });
    expect(report.exitCode).toBe(ExitCode.Pass);
    expect(ruleStatus(report, 'time_budget')).toBe('skip');
    expect(report.target).toEqual({ env: 'recording', url: path });
    expect(report.trigger).toMatchObject({
      thread_id: 'thread_8d1c2e4f_51234',
      run_id: 'run_thread_8d1c2e4f_51234_7f3a',
    });
    expect(report.frames).toMatchObject({ received: 6, sent: 0 });
    expect(report.close).toBeNull();
  });

  it('fails a file with a non-JSON line as an invalid frame', async () => {
    const report = await checkRecording(join(RECORDINGS, 'plain-non-json.ndjson'), {
      profiles,
      env: 'staging-capture',
    });
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(diagnosisCodes(report)).toContain('invalid_frame');
    expect(report.frames.byType['(text)']).toBe(1);
    expect(report.target.env).toBe('staging-capture');
  });
});

describe('checkRecording over recordings made by the writer', () => {
  const lines = [
    '{"type":"agent_started","timestamp":"2026-11-24T10:00:00.004Z","run_id":"r1","thread_id":"t1","data":{"agent_name":"data_helper"}}',
    '{"type":"agent_thinking","timestamp":"2026-11-24T10:00:00.100Z","run_id":"r1","thread_id":"t1","data":{"reasoning":"thinking"}}',
    '{"type":"tool_executing","timestamp":"2026-11-24T10:00:00.200Z","run_id":"r1","thread_id":"t1","correlation_id":"c1","data":{"tool_name":"x","tool_args":{}}}',
    '{"type":"tool_completed","timestamp":"2026-11-24T10:00:00.300Z","run_id":"r1","thread_id":"t1","correlation_id":"c1","data":{"tool_name":"x","results":null,"execution_time":1}}',
    '{"type":"agent_completed","timestamp":"2026-11-24T10:00:00.400Z","run_id":"r1","thread_id":"t1","data":{"status":"completed","final_response":"done"}}',
  ];
  const trigger = { type: 'agent_execution', thread_id: 't1', run_id: 'r1' };

  async function record(name: string, frames: FrameRecord[], limit?: number): Promise<string> {
    const path = join(dir, name);
    const writer = await createTranscriptWriter(path, {
      redact: (text) => text,
      ...(limit === undefined ? {} : { maxFrameBytes: limit }),
    });
    writer.writeHeader({
      target: { env: 'embedded', url: 'ws://127.0.0.1:1/ws' },
      trigger,
      triggerFrame: { type: 'agent_execution', thread_id: 't1', run_id: 'r1' },
      budgets: { firstEventMs: 15_000, totalMs: 30_000 },
      startedAt: '2026-11-24T10:00:00.000Z',
    });
    for (const frame of frames) writer.writeFrame(frame);
    writer.writeEnd({ reason: 'terminal', close: null, durationMs: 900 });
    await writer.close();
    return path;
  }

  const inbound = (texts: string[]): FrameRecord[] =>
    texts.map((text, i) => ({
      seq: i + 1,
      dir: 'in',
      atMs: 10 * (i + 1),
      kind: 'json',
      data: JSON.parse(text) as unknown,
      size: text.length,
    }));

  it('passes a recorded happy run', async () => {
    const report = await checkRecording(await record('written.ndjson', inbound(lines)), {
      profiles,
    });
    expect(report.exitCode).toBe(ExitCode.Pass);
    expect(report.target.env).toBe('embedded');
  });

  it('counts a truncated JSON frame as an oversized frame: exit 3 before completion', async () => {
    const frames = inbound(lines);
    const thinking = frames[1];
    if (thinking === undefined) throw new Error('fixture');
    thinking.data = { ...(thinking.data as object), data: { reasoning: 'x'.repeat(3000) } };
    thinking.size = 3100;
    const report = await checkRecording(await record('truncated.ndjson', frames, 2048), {
      profiles,
    });
    expect(report.exitCode).toBe(ExitCode.Connection);
    expect(report.error?.code).toBe('FRAME_TOO_LARGE');
    // Frames after the truncated one are not judged, as the live session would have stopped there.
    expect(report.frames.received).toBe(1);
    expect(report.warnings.some((warning) => warning.includes('frame #2'))).toBe(true);
  });

  it('keeps the verdict when the truncated frame comes after agent_completed', async () => {
    const frames = inbound(lines);
    frames.push({
      seq: 6,
      dir: 'in',
      atMs: 70,
      kind: 'json',
      data: { type: 'partial_result', blob: 'y'.repeat(3000) },
      size: 3030,
    });
    const report = await checkRecording(await record('late-truncated.ndjson', frames, 2048), {
      profiles,
    });
    expect(report.exitCode).toBe(ExitCode.Pass);
    expect(report.frames.received).toBe(5);
    expect(report.warnings.some((warning) => warning.includes('frame #6'))).toBe(true);
  });

  it('still judges a truncated binary frame as a binary frame', async () => {
    const frames = inbound(lines);
    frames.splice(2, 0, {
      seq: 3,
      dir: 'in',
      atMs: 25,
      kind: 'binary',
      data: Buffer.alloc(4096, 7),
      size: 4096,
    });
    // Frames keep their order on the wire: the ones after the inserted frame move up by one.
    frames.forEach((frame, index) => (frame.seq = index + 1));
    const report = await checkRecording(await record('binary.ndjson', frames, 2048), {
      profiles,
    });
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(report.error).toBeUndefined();
    expect(report.frames.byType['(binary)']).toBe(1);
    expect(diagnosisCodes(report)).toContain('invalid_frame');
  });

  it('judges a recording without an end line as ended by the recording', async () => {
    const path = join(dir, 'cut.ndjson');
    const full = await record('cut-source.ndjson', inbound(lines.slice(0, 2)));
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(full, 'utf8');
    await writeFile(path, text.split('\n').slice(0, -2).join('\n') + '\n');
    const report = await checkRecording(path, { profiles });
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(statusOf(report, 'agent_completed')).toBe('missing');
    // Without an end line the duration is the last frame's arrival time.
    expect(report.durationMs).toBe(20);
  });
});

describe('checkRecording errors', () => {
  it('rejects a missing file with TRANSCRIPT_UNREADABLE', async () => {
    await expect(checkRecording(join(dir, 'nope.ndjson'), { profiles })).rejects.toMatchObject({
      code: 'TRANSCRIPT_UNREADABLE',
      exitCode: ExitCode.Usage,
    });
  });
});
