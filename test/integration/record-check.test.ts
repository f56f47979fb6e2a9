import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CliIo } from '../../src/cli/io.js';
import { checkCommand } from '../../src/cli/commands/check.js';
import { ExitCode } from '../../src/shared/errors.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { runCli } from '../helpers/cli.js';

const RECORDINGS = fileURLToPath(new URL('../fixtures/recordings/', import.meta.url));

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-record-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the check command itself with captured streams, as the CLI does after parsing. */
async function checkJson(file: string): Promise<{ code: number; report: RunReport }> {
  let stdout = '';
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: () => true },
    env: {},
    cwd: dir,
  };
  const code = await checkCommand(file, { json: true }, io);
  return { code, report: JSON.parse(stdout) as RunReport };
}

function summary(report: RunReport): Record<string, unknown> {
  return {
    exitCode: report.exitCode,
    verdict: report.verdict,
    events: report.events.map((e) => `${e.type}:${e.status}:${e.count}`),
    rules: report.rules.map((r) => `${r.id}:${r.status}`),
    diagnoses: report.diagnoses.map((d) => d.code),
    error: report.error?.code,
  };
}

describe('--record then check gives the live verdict', () => {
  it.each([
    ['happy', [], ExitCode.Pass],
    ['missing_agent_thinking', [], ExitCode.ContractFailed],
    ['bridge_shape', [], ExitCode.ContractFailed],
    ['stall', ['--timeout', '800ms'], ExitCode.Timeout],
    ['drop', [], ExitCode.Connection],
    ['auth_fail', [], ExitCode.Auth],
    ['echo', ['--first-event-timeout', '400ms'], ExitCode.ContractFailed],
    ['non_json', [], ExitCode.ContractFailed],
  ] as const)('%s %j exits %i live and in check', async (scenario, extra, exitCode) => {
    const file = join(dir, `${scenario}.ndjson`);
    const live = await runCli([
      '--env',
      'embedded',
      '--scenario',
      scenario,
      ...extra,
      '--json',
      '--record',
      file,
    ]);
    expect(live.code).toBe(exitCode);
    const liveReport = JSON.parse(live.stdout) as RunReport;

    const checked = await checkJson(file);
    expect(checked.code).toBe(exitCode);
    expect(summary(checked.report)).toEqual(summary(liveReport));
    expect(checked.report.trigger).toEqual(liveReport.trigger);
    expect(checked.report.target).toEqual(liveReport.target);

    // The same verdict through the CLI entry point.
    const viaCli = await runCli(['check', file]);
    expect(viaCli.code).toBe(exitCode);
    expect(viaCli.stdout).toMatch(exitCode === 0 ? /^PASS /m : /^(FAIL|ERROR) /m);
  });
});

describe('check', () => {
  it('judges a plain NDJSON file of frames, given relative to the working directory', async () => {
    await copyFile(join(RECORDINGS, 'plain-canonical.ndjson'), join(dir, 'plain.ndjson'));
    await copyFile(join(RECORDINGS, 'plain-non-json.ndjson'), join(dir, 'plain-bad.ndjson'));
    const pass = await runCli(['check', 'plain.ndjson'], { cwd: dir });
    expect(pass.code).toBe(ExitCode.Pass);
    expect(pass.stdout).toContain('env recording');
    const bad = await checkJson('plain-bad.ndjson');
    expect(bad.code).toBe(ExitCode.ContractFailed);
    expect(bad.report.diagnoses.map((d) => d.code)).toContain('invalid_frame');
    expect(bad.report.rules.find((r) => r.id === 'time_budget')?.status).toBe('skip');
  });

  it('prints the JSON report with --json', async () => {
    const result = await runCli(['check', join(RECORDINGS, 'bridge-shape.ndjson'), '--json']);
    expect(result.code).toBe(ExitCode.ContractFailed);
    const report = JSON.parse(result.stdout) as RunReport;
    expect(report.verdict).toBe('fail');
    expect(report.diagnoses.map((d) => d.code)).toContain('shape_drift');
  });

  it('writes a JUnit file with --report junit=', async () => {
    const junit = join(dir, 'check-junit.xml');
    const result = await runCli([
      'check',
      join(RECORDINGS, 'missing-event.ndjson'),
      '--report',
      `junit=${junit}`,
      '-q',
    ]);
    expect(result.code).toBe(ExitCode.ContractFailed);
    expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    const xml = await readFile(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toMatch(/<testsuite [^>]*tests="11" failures="2"/);
  });

  it('writes relative report paths under the working directory', async () => {
    const file = join(RECORDINGS, 'happy.ndjson');
    const result = await runCli(['check', file, '-q', '--report', 'json=out/happy.json'], {
      cwd: dir,
    });
    expect(result.code).toBe(ExitCode.Pass);
    const report = JSON.parse(await readFile(join(dir, 'out', 'happy.json'), 'utf8')) as RunReport;
    expect(report.verdict).toBe('pass');
  });

  it('writes the step summary and annotations under GitHub Actions', async () => {
    const summary = join(dir, 'check-summary.md');
    const result = await runCli(['check', join(RECORDINGS, 'missing-event.ndjson'), '-q'], {
      env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(ExitCode.ContractFailed);
    expect(await readFile(summary, 'utf8')).toContain('## ❌ ws-validate: FAIL (staging)');
    expect(result.stderr).toMatch(/^::error title=ws-validate%3A rule presence::/m);
  });

  it('exits 2 with one error line for a missing file', async () => {
    const result = await runCli(['check', join(dir, 'nope.ndjson')]);
    expect(result.code).toBe(ExitCode.Usage);
    expect(result.stdout).toBe('');
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([`error: cannot read ${join(dir, 'nope.ndjson')}: no such file`]);
  });
});
