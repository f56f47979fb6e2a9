import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { AggregateReport } from '../../src/contract/aggregate.js';
import {
  generateSecret,
  startReferenceServer,
  type ReferenceServer,
  type ScenarioName,
} from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReference(scenario: ScenarioName): Promise<{ url: string; secret: string }> {
  const secret = generateSecret();
  const server: ReferenceServer = await startReferenceServer({
    jwtSecret: secret,
    scenario,
    stepDelayMs: 50,
  });
  cleanups.push(() => server.close());
  return { url: server.url, secret };
}

/**
 * A minimal agent server: every connection runs the five canonical events for its trigger, except
 * that even-numbered connections (2nd, 4th, ...) leave out agent_thinking.
 */
async function startAlternatingServer(): Promise<string> {
  const http: Server = createServer();
  const wss = new WebSocketServer({ server: http });
  let connections = 0;
  wss.on('error', () => undefined);
  wss.on('connection', (socket) => {
    connections += 1;
    const skipThinking = connections % 2 === 0;
    socket.on('error', () => undefined);
    socket.on('message', (raw: Buffer) => {
      const trigger = JSON.parse(raw.toString('utf8')) as { thread_id: string; run_id: string };
      const envelope = (type: string, data: Record<string, unknown>, extra = {}) =>
        JSON.stringify({
          type,
          timestamp: new Date().toISOString(),
          thread_id: trigger.thread_id,
          run_id: trigger.run_id,
          data,
          ...extra,
        });
      const frames = [
        envelope('agent_started', { agent_name: 'data_helper' }),
        ...(skipThinking ? [] : [envelope('agent_thinking', { reasoning: 'planning the query' })]),
        envelope('tool_executing', { tool_name: 'q', tool_args: {} }, { correlation_id: 'c1' }),
        envelope(
          'tool_completed',
          { tool_name: 'q', results: [], execution_time: 0.1 },
          { correlation_id: 'c1' },
        ),
        envelope('agent_completed', { status: 'completed', final_response: 'done' }),
      ];
      for (const frame of frames) socket.send(frame);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
}

function parseAggregate(stdout: string): AggregateReport {
  // One document: JSON.parse fails on two concatenated documents.
  return JSON.parse(stdout) as AggregateReport;
}

function crossTalkRuns(agg: AggregateReport): number {
  return agg.runs.filter((run) => run.diagnoses.includes('cross_talk')).length;
}

describe('repeated runs', () => {
  it('runs 6 independent runs 3 at a time against the embedded server and prints one JSON document', async () => {
    const result = await runCli([
      '--env',
      'embedded',
      '--runs',
      '6',
      '--concurrency',
      '3',
      '--json',
    ]);
    expect(result.code).toBe(0);
    const agg = parseAggregate(result.stdout);
    expect(agg.runs).toHaveLength(6);
    expect(agg.runs.map((run) => run.index)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(new Set(agg.runs.map((run) => run.trigger.thread_id)).size).toBe(6);
    expect(new Set(agg.runs.map((run) => run.trigger.run_id)).size).toBe(6);
    expect(agg.runs.every((run) => run.verdict === 'pass' && run.exitCode === 0)).toBe(true);
    expect(agg.aggregate).toMatchObject({ total: 6, passed: 6, failed: 0, passRate: 1 });
    expect(agg.aggregate.diagnoses).toEqual({});
    for (const latency of Object.values(agg.aggregate.latency)) {
      for (const value of [latency.p50, latency.p95, latency.max]) {
        expect(typeof value).toBe('number');
      }
      expect(latency.p50 ?? Infinity).toBeLessThanOrEqual(latency.max ?? -Infinity);
    }
    // The embedded server takes about 100 ms per step, so agent_completed comes after the first event.
    expect(agg.aggregate.latency.completed.p50 ?? 0).toBeGreaterThan(
      agg.aggregate.latency.firstEvent.p50 ?? Infinity,
    );
    expect(agg.aggregate.sessionsPerSecond).toBeGreaterThan(0);
  });

  it('spreads runs over --users distinct users without mistaking them for cross-talk', async () => {
    const result = await runCli([
      '--env',
      'embedded',
      '--runs',
      '6',
      '--concurrency',
      '6',
      '--users',
      '3',
      '--json',
    ]);
    const agg = parseAggregate(result.stdout);
    const users = agg.runs.map((run) => run.trigger.user_id);
    expect(new Set(users).size).toBe(3);
    expect(users.every((user) => typeof user === 'string')).toBe(true);
    expect(crossTalkRuns(agg)).toBe(0);
    expect(result.code).toBe(0);
  });

  it('gates the exit code on --min-pass-rate and names the missing event in topFailures', async () => {
    const url = await startAlternatingServer();
    const args = ['--url', url, '--runs', '4', '--concurrency', '2', '--json'];

    const lenient = await runCli([...args, '--min-pass-rate', '0.5']);
    const lenientAgg = parseAggregate(lenient.stdout);
    expect(lenientAgg.aggregate).toMatchObject({ total: 4, passed: 2, failed: 2, passRate: 0.5 });
    expect(lenient.code).toBe(0);
    expect(lenientAgg.aggregate.perEvent.agent_thinking).toBe(2);
    expect(lenientAgg.aggregate.topFailures).toContainEqual({
      message: 'agent_thinking missing',
      count: 2,
    });

    const strict = await runCli([...args, '--min-pass-rate', '0.9']);
    const strictAgg = parseAggregate(strict.stdout);
    expect(strictAgg.aggregate.passRate).toBe(0.5);
    expect(strictAgg.verdict).toBe('fail');
    expect(strict.code).toBe(1);
  });

  it('diagnoses cross-talk between concurrent runs of different users and fails them', async () => {
    const { url, secret } = await startReference('cross_talk');
    const result = await runCli([
      '--url',
      url,
      '--jwt-secret',
      secret,
      '--runs',
      '4',
      '--concurrency',
      '4',
      '--users',
      '2',
      '--json',
    ]);
    expect(result.code).toBe(1);
    const agg = parseAggregate(result.stdout);
    const victims = agg.runs.filter((run) => run.diagnoses.includes('cross_talk'));
    expect(victims.length).toBeGreaterThanOrEqual(1);
    expect(agg.aggregate.diagnoses.cross_talk).toBe(victims.length);
    expect(agg.aggregate.passed).toBe(4 - victims.length);
    const threads = agg.runs.map((run) => run.trigger.thread_id);
    for (const victim of victims) {
      expect(victim.exitCode).toBe(1);
      const line = victim.failures.find((f) => f.startsWith('cross_talk:')) ?? '';
      // The sentence names the thread of another run of this invocation, not the victim's own.
      const named = threads.filter((t) => t !== victim.trigger.thread_id && line.includes(t));
      expect(named).toHaveLength(1);
    }
    expect(agg.aggregate.topFailures.some((f) => f.message.startsWith('cross_talk:'))).toBe(true);
    expect(result.stdout).not.toContain(secret);
  });

  it('finds no cross-talk when concurrent runs stay on their own connections', async () => {
    const { url, secret } = await startReference('happy');
    const result = await runCli([
      '--url',
      url,
      '--jwt-secret',
      secret,
      '--runs',
      '4',
      '--concurrency',
      '4',
      '--users',
      '2',
      '--json',
    ]);
    const agg = parseAggregate(result.stdout);
    expect(crossTalkRuns(agg)).toBe(0);
    expect(agg.aggregate.diagnoses).toEqual({});
    expect(agg.aggregate.passed).toBe(4);
    expect(result.code).toBe(0);
  });

  it('prints only the verdict line with --quiet and writes the aggregate to --report files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-runs-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const url = await startAlternatingServer();
    const result = await runCli([
      '--url',
      url,
      '--runs',
      '2',
      '--quiet',
      '--no-color',
      '--report',
      `json=${join(dir, 'runs.json')}`,
      '--report',
      `junit=${join(dir, 'runs.xml')}`,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^FAIL {2}1\/2 runs passed \(50\.0% < 100\.0%\) · \S+ · exit 1\n$/,
    );

    const json = JSON.parse(await readFile(join(dir, 'runs.json'), 'utf8')) as AggregateReport;
    expect(json.runs).toHaveLength(2);
    expect(json.aggregate.passed).toBe(1);

    const xml = await readFile(join(dir, 'runs.xml'), 'utf8');
    // The gate, then one testsuite per run.
    expect(xml.match(/<testsuite /g)).toHaveLength(3);
    expect(xml).toContain('<testsuites name="ws-validate" tests="13" failures="3" errors="0"');
    expect(xml).toMatch(/name="agent_thinking">\s*<failure message="agent_thinking missing"/);
  });
});

describe('repeated runs under GitHub Actions', () => {
  it('append the aggregate to the step summary, annotate the failed gate and write markdown', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-runs-gha-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const summaryPath = join(dir, 'summary.md');
    const markdownPath = join(dir, 'runs.md');
    const result = await runCli(
      [
        ...['--env', 'embedded', '--scenario', 'missing_agent_thinking'],
        ...['--runs', '3', '--concurrency', '3', '--quiet', '--grace', '50ms'],
        ...['--report', `markdown=${markdownPath}`],
      ],
      { env: { GITHUB_STEP_SUMMARY: summaryPath, GITHUB_ACTIONS: 'true' } },
    );
    expect(result.code).toBe(1);
    const summary = await readFile(summaryPath, 'utf8');
    expect(summary).toContain('0/3 runs passed (0.0%; required 100.0%)');
    expect(summary).toContain('| `agent_thinking` | 0/3 |');
    expect(await readFile(markdownPath, 'utf8')).toBe(`${summary.trimEnd()}\n`);
    expect(result.stderr).toMatch(/^::error title=ws-validate%3A pass rate::0\/3 runs passed/m);
  });
});
