import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-unjudged-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const statusOf = (report: RunReport, id: string): string | undefined =>
  report.rules.find((rule) => rule.id === id)?.status;

// Every count attribute of the file: a run that could not be judged has no failure anywhere.
function failureCounts(xml: string): string[] {
  return [...xml.matchAll(/ failures="(\d+)"/g)].map((m) => m[1] ?? '');
}

describe('a run that started and then could not be judged', () => {
  it('dropped (exit 3): presence and single_terminal are skipped, JUnit has an error and no failure', async () => {
    const junit = join(dir, 'drop.xml');
    const result = await runCli([
      ...['--env', 'embedded', '--scenario', 'drop', '--json'],
      ...['--report', `junit=${junit}`],
    ]);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.verdict).toBe('error');
    expect(statusOf(report, 'presence')).toBe('skip');
    expect(statusOf(report, 'single_terminal')).toBe('skip');
    expect(report.rules.find((r) => r.id === 'presence')?.message).toMatch(
      /^not judged: the run ended in an error \(CONNECTION_DROPPED\); so far: never arrived/,
    );
    expect(report.rules.every((rule) => rule.status !== 'fail')).toBe(true);

    const xml = await readFile(junit, 'utf8');
    expect(failureCounts(xml)).toEqual(['0', '0']);
    expect(xml).not.toContain('<failure');
    expect(xml).toMatch(/<testcase classname="ws-validate.rules" name="presence">\s*<skipped/);
    expect(xml).toContain('type="CONNECTION_DROPPED"');
  });

  it('interrupted (exit 130): no rule fails on the events that had no time to arrive', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 700);
    const result = await runCli(['--env', 'embedded', '--scenario', 'stall', '--json'], {
      signal: controller.signal,
    });
    clearTimeout(timer);
    expect(result.code).toBe(130);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.events.find((e) => e.type === 'agent_started')?.status).toBe('pass');
    expect(statusOf(report, 'presence')).toBe('skip');
    expect(statusOf(report, 'single_terminal')).toBe('skip');
    expect(report.rules.every((rule) => rule.status !== 'fail')).toBe(true);
  });

  it('control: a run that closed cleanly before agent_completed (exit 1) still fails presence', async () => {
    const result = await runCli([
      ...['--env', 'embedded', '--scenario', 'missing_agent_completed', '--json'],
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(statusOf(report, 'presence')).toBe('fail');
    expect(statusOf(report, 'single_terminal')).toBe('fail');
  });
});
