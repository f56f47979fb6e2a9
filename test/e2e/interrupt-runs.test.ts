import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import type { AggregateReport } from '../../src/contract/aggregate.js';
import { BIN } from '../helpers/bin.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-interrupt-runs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the signal to the exit. */
  afterSignalMs: number;
}

/** Spawns the built bin, sends `signal` once stderr matches `ready`, and collects how it ended. */
function interruptWhen(
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  signal: NodeJS.Signals,
  context: TestContext,
): Promise<Ended> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  context.onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  let signalledAt: number | null = null;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    if (signalledAt === null && ready.test(stderr)) {
      signalledAt = performance.now();
      child.kill(signal);
    }
  });
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 20 s; signalled: ${signalledAt !== null}\n${stderr}`));
    }, 20_000);
    child.on('close', (code) => {
      clearTimeout(deadline);
      const afterSignalMs = signalledAt === null ? NaN : performance.now() - signalledAt;
      resolve({ code, stdout, stderr, afterSignalMs });
    });
  });
}

function reportPaths(name: string): Record<'json' | 'junit' | 'markdown' | 'summary', string> {
  return {
    json: join(dir, `${name}.json`),
    junit: join(dir, `${name}.xml`),
    markdown: join(dir, `${name}.md`),
    summary: join(dir, `${name}-summary.md`),
  };
}

function reportArgs(paths: ReturnType<typeof reportPaths>): string[] {
  return ['json', 'junit', 'markdown'].flatMap((format) => [
    '--report',
    `${format}=${paths[format as 'json' | 'junit' | 'markdown']}`,
  ]);
}

// What every report of an interrupted batch must say: 130, error, and the runs never started.
async function expectInterruptedReports(
  paths: ReturnType<typeof reportPaths>,
  requested: number,
): Promise<AggregateReport> {
  const agg = JSON.parse(await readFile(paths.json, 'utf8')) as AggregateReport;
  expect([agg.verdict, agg.exitCode]).toEqual(['error', 130]);
  expect(agg.aggregate.notStarted).toBeGreaterThan(0);
  expect(agg.aggregate.total + agg.aggregate.notStarted).toBe(requested);
  expect(agg.runs).toHaveLength(agg.aggregate.total);
  // The runs under way when the signal came ended as interrupted, not as contract failures.
  expect(agg.runs.filter((run) => run.exitCode === 130).length).toBeGreaterThan(0);
  expect(agg.aggregate.untestableCodes.INTERRUPTED).toBeGreaterThan(0);

  const xml = await readFile(paths.junit, 'utf8');
  expect(xml).toMatch(/<error message="[^"]*never started" type="INTERRUPTED">/);
  expect(xml).toContain('<property name="exit_code" value="130"/>');
  const md = await readFile(paths.markdown, 'utf8');
  expect(md).toMatch(/^## ⚠️ ws-validate: ERROR \(embedded, \d+ of \d+ runs\)$/m);
  expect(md).toContain(`${agg.aggregate.notStarted} never started`);
  expect(await readFile(paths.summary, 'utf8')).toBe(`${md}\n`);
  return agg;
}

describe.concurrent('an interrupted batch (--runs) of the built bin', () => {
  it('SIGINT while runs pass: exit 130, not the gate, and every report file written', async (context) => {
    const paths = reportPaths('sigint');
    const ended = await interruptWhen(
      [
        ...['--env', 'embedded', '--runs', '50', '--concurrency', '5', '--min-pass-rate', '0.5'],
        ...['--verbose', '--no-color', ...reportArgs(paths)],
      ],
      { GITHUB_STEP_SUMMARY: paths.summary },
      // The second wave is under way: some runs passed, most never started.
      /\[run 7\] ← #\d+ \+\d+ms \{"type":"agent_started"/,
      'SIGINT',
      context,
    );
    expect(ended.code).toBe(130);
    expect(ended.afterSignalMs).toBeLessThan(3000);
    expect(ended.stdout).toMatch(/^ws-validate · env embedded · \S+ · \d+ of 50 runs$/m);
    const lastLine = ended.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(
      /^ERROR {2}interrupted: \d+ of 50 runs ran · \d+\/\d+ judged runs passed · \d+ not judged \(\d+× INTERRUPTED\) · \d+ never started · exit 130$/,
    );
    const agg = await expectInterruptedReports(paths, 50);
    expect(agg.aggregate.passed).toBeGreaterThan(0);
  });

  it('SIGTERM while every run stalls: exit 130 (not 1), every report file written', async (context) => {
    const paths = reportPaths('sigterm');
    const ended = await interruptWhen(
      [
        ...['--env', 'embedded', '--scenario', 'stall', '--runs', '20', '--concurrency', '4'],
        ...['--verbose', '--no-color', ...reportArgs(paths)],
      ],
      { GITHUB_STEP_SUMMARY: paths.summary },
      /\[run 4\] ← #\d+ \+\d+ms \{"type":"agent_started"/,
      'SIGTERM',
      context,
    );
    expect(ended.code).toBe(130);
    expect(ended.afterSignalMs).toBeLessThan(3000);
    const agg = await expectInterruptedReports(paths, 20);
    expect(agg.aggregate.judged).toBe(0);
    expect(agg.aggregate.notStarted).toBe(16);
  });
});
