import { mkdtemp, rm } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { canonicalEvents, startWsFaultServer, type FaultServer } from '../helpers/fault-servers.js';

const FAST = ['--first-event-timeout', '1s', '--timeout', '3s', '--grace', '100ms'];

interface ReportShape {
  exitCode: number;
  verdict: string;
  diagnoses: { code: string; message: string }[];
  events: { type: string; status: string }[];
  attempts: unknown[];
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-frame-inputs-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function serve(context: TestContext, server: Promise<FaultServer>): Promise<FaultServer> {
  const started = await server;
  context.onTestFinished(() => started.close());
  return started;
}

/** A live run with --json and a recording, then `check` of that recording with --json. */
async function liveThenCheck(url: string, name: string, ...extra: string[]) {
  const recording = join(dir, `${name}.ndjson`);
  const live = await runCli([
    '--url',
    url,
    '--token',
    'any',
    '--json',
    '--record',
    recording,
    ...FAST,
    ...extra,
  ]);
  const check = await runCli(['check', recording, '--json']);
  const parse = (stdout: string) => JSON.parse(stdout) as ReportShape;
  return { live, check, liveReport: parse(live.stdout), checkReport: parse(check.stdout) };
}

describe('a frame nested 5,000 deep, more than JSON.stringify can write back', () => {
  it('passes live and passes again offline: the recording keeps the frame as it came', async (context) => {
    const depth = 5_000;
    const server = await serve(
      context,
      startWsFaultServer(async (peer) => {
        const ids = await peer.trigger;
        const [started, thinking, executing, completed, done] = canonicalEvents(ids);
        for (const event of [started, thinking, executing]) peer.send(event);
        // `data.results` may be any JSON value; sent as raw text, as no serialiser could write it.
        const text = JSON.stringify(completed).replace(
          '"results":{"success":true}',
          `"results":${'['.repeat(depth)}${']'.repeat(depth)}`,
        );
        peer.ws.send(text);
        peer.send(done);
      }),
    );
    const { live, check, liveReport, checkReport } = await liveThenCheck(server.url, 'deep');
    expect(live.code, live.stderr).toBe(0);
    expect(check.code, check.stderr).toBe(0);
    expect(checkReport.verdict).toBe(liveReport.verdict);
    expect(checkReport.events).toEqual(liveReport.events);
  });
});

describe('invalid UTF-8 in a text frame after agent_started', () => {
  it('is a contract failure of the server (exit 1, invalid_frame), not retried, and the same offline', async (context) => {
    const server = await serve(
      context,
      startWsFaultServer(async (peer) => {
        const ids = await peer.trigger;
        const [started, ...rest] = canonicalEvents(ids);
        peer.send(started);
        // A text frame whose payload is not UTF-8, written past the server's own checks.
        const raw = (peer.ws as unknown as { _socket: Socket })._socket;
        raw.write(Buffer.from([0x81, 0x05, 0x7b, 0x22, 0xff, 0xfe, 0x7d]));
        for (const event of rest) peer.send(event);
      }),
    );
    const { live, check, liveReport, checkReport } = await liveThenCheck(
      server.url,
      'utf8',
      '--retries',
      '2',
    );
    expect(live.code, live.stderr).toBe(1);
    expect(liveReport.attempts).toHaveLength(1);
    expect(liveReport.diagnoses.map((d) => d.code)).toContain('invalid_frame');
    // Said plainly, with the bad bytes shown as replacement characters.
    const said = liveReport.diagnoses.find((d) => d.code === 'invalid_frame')?.message;
    expect(said).toMatch(/^1 frame was not JSON text \(1 text not valid UTF-8 /);
    expect(said).toContain('{"\ufffd\ufffd}');
    expect(check.code, check.stderr).toBe(1);
    expect(checkReport.diagnoses).toEqual(liveReport.diagnoses);
  });
});
