import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { BIN } from '../helpers/bin.js';
import {
  canonicalEvents,
  connectionEstablished,
  encodeTextFrame,
  heartbeat,
  startRawWsServer,
  startSilentTcpServer,
  startWsFaultServer,
  type FaultServer,
} from '../helpers/fault-servers.js';

/** A spawned ws-validate whose output is collected as it arrives. */
interface Running {
  stdout(): string;
  stderr(): string;
  /** Resolves once stderr matches `pattern`; rejects after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  signal(name: NodeJS.Signals): number;
  /** Resolves with the exit code and the moment (performance.now) the process exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

const AGENT_STARTED = /← #\d+ \+\d+ms \{"type":"agent_started"/;

function start(args: readonly string[], context: TestContext): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const listener of [...listeners]) listener();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  context.onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return {
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr: (pattern, timeoutMs = 8000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`stderr never matched ${pattern}; it was:\n${stderr}`));
        }, timeoutMs);
        function check(): void {
          if (!pattern.test(stderr)) return;
          clearTimeout(timer);
          listeners.delete(check);
          resolve();
        }
        listeners.add(check);
        check();
      }),
    signal(name) {
      child.kill(name);
      return performance.now();
    },
    exited,
  };
}

async function serve(context: TestContext, server: Promise<FaultServer>): Promise<FaultServer> {
  const started = await server;
  context.onTestFinished(() => started.close());
  return started;
}

/** A server that starts the run and then only sends heartbeats, like the `stall` scenario. */
function stallingServer(): Promise<FaultServer> {
  return startWsFaultServer(async (peer) => {
    peer.send(connectionEstablished());
    const ids = await peer.trigger;
    peer.send(canonicalEvents(ids)[0]);
    let n = 0;
    const timer = setInterval(() => peer.send(heartbeat((n += 1))), 100);
    peer.ws.on('close', () => clearInterval(timer));
  });
}

interface ReportShape {
  exitCode: number;
  verdict: string;
  error?: { code: string };
  events: { type: string; status: string }[];
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-interrupt-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.concurrent('interruption of the built bin', () => {
  it('SIGINT: partial report on stdout, report file and recording written, exit 130', async (context) => {
    const report = join(dir, 'sigint-report.json');
    const record = join(dir, 'sigint-record.ndjson');
    const run = start(
      [
        '--env',
        'embedded',
        '--scenario',
        'stall',
        '--verbose',
        '--report',
        `json=${report}`,
        '--record',
        record,
      ],
      context,
    );
    await run.waitForStderr(AGENT_STARTED);
    const sentAt = run.signal('SIGINT');
    const { code, at } = await run.exited;

    expect(code).toBe(130);
    expect(at - sentAt).toBeLessThan(2000);
    expect(run.stdout()).toMatch(/✔ agent_started\s+pass/);
    expect(run.stdout()).toMatch(/- agent_completed\s+missing/);
    expect(run.stdout()).toMatch(/INTERRUPTED/);
    expect(run.stdout()).toMatch(/exit 130/);
    const written = JSON.parse(await readFile(report, 'utf8')) as ReportShape;
    expect(written.exitCode).toBe(130);
    expect(written.error?.code).toBe('INTERRUPTED');
    expect(written.events.find((e) => e.type === 'agent_started')?.status).toBe('pass');
    const recording = await readFile(record, 'utf8');
    expect(recording).toMatch(/"agent_started"/);
    expect(recording).toMatch(/interrupted/);
  });

  it('SIGINT: the server sees a normal close (1000)', async (context) => {
    const server = await serve(context, stallingServer());
    const run = start(
      ['--url', server.url, '--token', 'any-token', '--verbose', '--json'],
      context,
    );
    await run.waitForStderr(AGENT_STARTED);
    run.signal('SIGINT');
    const [{ code }, closeCode] = await Promise.all([run.exited, server.nextClose()]);
    expect(code).toBe(130);
    expect(closeCode).toBe(1000);
    const report = JSON.parse(run.stdout()) as ReportShape;
    expect(report.exitCode).toBe(130);
    expect(report.events.find((e) => e.type === 'agent_started')?.status).toBe('pass');
  });

  it('SIGTERM: close 1000, partial report, report file and recording, exit 130', async (context) => {
    const server = await serve(context, stallingServer());
    const report = join(dir, 'sigterm-report.json');
    const record = join(dir, 'sigterm-record.ndjson');
    const run = start(
      [
        '--url',
        server.url,
        '--token',
        'any-token',
        '--verbose',
        '--report',
        `json=${report}`,
        '--record',
        record,
      ],
      context,
    );
    await run.waitForStderr(AGENT_STARTED);
    run.signal('SIGTERM');
    const [{ code, signal }, closeCode] = await Promise.all([run.exited, server.nextClose()]);
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(closeCode).toBe(1000);
    expect(run.stdout()).toMatch(/✔ agent_started\s+pass/);
    const written = JSON.parse(await readFile(report, 'utf8')) as ReportShape;
    expect(written.exitCode).toBe(130);
    expect(await readFile(record, 'utf8')).toMatch(/"agent_started"/);
  });

  // A server that never answers our close frame keeps the first Ctrl-C busy for the close wait
  // (1 s); the control case shows that wait, the double case shows a second Ctrl-C cutting it.
  const unansweredClose = () =>
    startRawWsServer({
      answerClose: false,
      async onTrigger(socket, ids) {
        socket.write(encodeTextFrame(JSON.stringify(canonicalEvents(ids)[0])));
        return Promise.resolve();
      },
    });

  it('control: one SIGINT waits for the close handshake before reporting', async (context) => {
    const server = await serve(context, unansweredClose());
    const run = start(['--url', server.url, '--token', 'any-token', '--verbose'], context);
    await run.waitForStderr(AGENT_STARTED);
    const sentAt = run.signal('SIGINT');
    const { code, at } = await run.exited;
    expect(code).toBe(130);
    expect(at - sentAt).toBeGreaterThanOrEqual(900);
    expect(run.stdout()).toMatch(/✔ agent_started\s+pass/);
    expect(server.closeCodes).toEqual([1000]);
  });

  it('a second SIGINT exits at once with 130', async (context) => {
    const server = await serve(context, unansweredClose());
    const run = start(['--url', server.url, '--token', 'any-token', '--verbose'], context);
    await run.waitForStderr(AGENT_STARTED);
    const sentAt = run.signal('SIGINT');
    await run.waitForStderr(/interrupted; stopping/);
    run.signal('SIGINT');
    const { code, at } = await run.exited;
    expect(code).toBe(130);
    expect(at - sentAt).toBeLessThan(800);
    expect(run.stderr()).toMatch(/interrupted again/);
  });

  it('SIGINT during a handshake that hangs: exit 130 at once, with a report', async (context) => {
    const server = await serve(context, startSilentTcpServer());
    const run = start(['--url', server.url, '--token', 'any-token', '--json'], context);
    const deadline = performance.now() + 8000;
    while (server.connections === 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.connections).toBe(1);
    const sentAt = run.signal('SIGINT');
    const { code, at } = await run.exited;
    expect(code).toBe(130);
    // Well inside the 10 s default connect budget.
    expect(at - sentAt).toBeLessThan(1500);
    const report = JSON.parse(run.stdout()) as ReportShape;
    expect(report.error?.code).toBe('INTERRUPTED');
  });
});
