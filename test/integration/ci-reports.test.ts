import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ExitCode } from '../../src/shared/errors.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { runCli } from '../helpers/cli.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-ci-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface JunitCase {
  '@_classname': string;
  '@_name': string;
  failure?: { '@_message': string; '@_type': string; '#text'?: string };
  error?: { '@_message': string; '@_type': string };
  skipped?: { '@_message': string };
}

interface JunitSuite {
  '@_name': string;
  '@_tests': number;
  '@_failures': number;
  '@_errors': number;
  '@_skipped': number;
  testcase: JunitCase[];
}

interface Junit {
  testsuites: JunitSuite & { testsuite: JunitSuite[] };
}

const parser = new XMLParser({
  ignoreAttributes: false,
  parseAttributeValue: true,
  isArray: (name) => name === 'testsuite' || name === 'testcase',
});

/** Reads a JUnit file with a real XML parser, after checking it is well-formed. */
async function readJunit(path: string): Promise<{ suite: JunitSuite; root: Junit['testsuites'] }> {
  const xml = await readFile(path, 'utf8');
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml) as Junit;
  const suite = doc.testsuites.testsuite[0];
  if (suite === undefined) throw new Error(`${path} has no testsuite`);
  expect(doc.testsuites.testsuite).toHaveLength(1);
  return { suite, root: doc.testsuites };
}

async function readReport(path: string): Promise<RunReport> {
  return JSON.parse(await readFile(path, 'utf8')) as RunReport;
}

function failingNames(report: RunReport): string[] {
  return [
    ...report.events.filter((e) => e.status !== 'pass').map((e) => e.type),
    ...report.rules.filter((r) => r.status === 'fail').map((r) => r.id),
  ];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

describe('--report junit/json/markdown from one failing run', () => {
  it.each([
    ['missing_tool_completed', ['tool_completed', 'presence', 'tool_pairing']],
    [
      'bridge_shape',
      ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed', 'agent_completed'],
    ],
  ])('%s: the JUnit counts match the JSON report of the same run', async (scenario, failing) => {
    const junit = join(dir, `${scenario}.xml`);
    const json = join(dir, `${scenario}.json`);
    const markdown = join(dir, scenario, 'summary.md');
    const result = await runCli(
      ['--env', 'embedded', '--scenario', scenario, '--report', `junit=${junit}`]
        .concat(['--report', `json=${json}`, '--report', `markdown=${markdown}`])
        .concat(['--quiet']),
    );
    expect(result.code).toBe(ExitCode.ContractFailed);

    const report = await readReport(json);
    expect(report.exitCode).toBe(ExitCode.ContractFailed);
    expect(failingNames(report)).toEqual(failing);

    const { suite, root } = await readJunit(junit);
    expect(suite['@_tests']).toBe(11);
    expect(suite.testcase).toHaveLength(11);
    expect(suite.testcase.filter((c) => c['@_classname'] === 'ws-validate.events')).toHaveLength(5);
    expect(suite.testcase.filter((c) => c['@_classname'] === 'ws-validate.rules')).toHaveLength(6);
    expect(suite['@_failures']).toBe(failing.length);
    expect(suite['@_errors']).toBe(0);
    expect(root['@_failures']).toBe(failing.length);
    expect(suite.testcase.filter((c) => c.failure !== undefined).map((c) => c['@_name'])).toEqual(
      failing,
    );

    // The markdown file holds one table row per required event with its status.
    const md = await readFile(markdown, 'utf8');
    for (const event of report.events) {
      const icon = event.status === 'pass' ? '✅' : '❌';
      expect(md).toContain(`| \`${event.type}\` | ${icon} ${event.status} | ${event.count} |`);
    }
  });

  it('puts the failing path and expected vs actual in the failure body', async () => {
    const junit = join(dir, 'bridge-body.xml');
    await runCli(['--env', 'embedded', '--scenario', 'bridge_shape', '--report', `junit=${junit}`]);
    const { suite } = await readJunit(junit);
    const tool = suite.testcase.find((c) => c['@_name'] === 'tool_executing');
    expect(tool?.failure?.['@_type']).toBe('schema');
    const body = tool?.failure?.['#text'] ?? '';
    expect(body).toMatch(/^data\.tool_args: .*data\.parameters/m);
    expect(body).toMatch(/^ {2}expected: an object$/m);
    expect(body).toMatch(/^ {2}actual: {3}missing$/m);
  });

  it('says what was expected of a missing event', async () => {
    const junit = join(dir, 'missing-body.xml');
    await runCli([
      '--env',
      'embedded',
      '--scenario',
      'missing_agent_thinking',
      '--report',
      `junit=${junit}`,
    ]);
    const { suite } = await readJunit(junit);
    const thinking = suite.testcase.find((c) => c['@_name'] === 'agent_thinking');
    expect(thinking?.failure?.['@_message']).toBe('agent_thinking never arrived');
    expect(thinking?.failure?.['#text']).toContain('expected: at least one agent_thinking frame');
  });

  it('fails the suite when only a diagnosis fails the run (non-JSON frame)', async () => {
    const junit = join(dir, 'non-json.xml');
    const json = join(dir, 'non-json.json');
    const result = await runCli(
      ['--env', 'embedded', '--scenario', 'non_json', '--report', `junit=${junit}`].concat([
        '--report',
        `json=${json}`,
      ]),
    );
    expect(result.code).toBe(ExitCode.ContractFailed);
    expect(failingNames(await readReport(json))).toEqual([]);
    const { suite } = await readJunit(junit);
    expect(suite['@_tests']).toBe(12);
    expect(suite['@_failures']).toBe(1);
    const verdict = suite.testcase.find((c) => c['@_name'] === 'verdict');
    expect(verdict?.failure?.['@_type']).toBe('invalid_frame');
  });

  it('gives an auth failure one error testcase and no failures', async () => {
    const junit = join(dir, 'auth.xml');
    const result = await runCli([
      '--env',
      'embedded',
      '--scenario',
      'auth_fail',
      '--report',
      `junit=${junit}`,
      '-q',
    ]);
    expect(result.code).toBe(ExitCode.Auth);
    const { suite } = await readJunit(junit);
    expect(suite['@_errors']).toBe(1);
    expect(suite['@_failures']).toBe(0);
    expect(suite.testcase.find((c) => c.error !== undefined)?.error?.['@_type']).toBe(
      'AUTH_FAILED',
    );
  });

  it('passes a happy run with eleven passing testcases', async () => {
    const junit = join(dir, 'happy.xml');
    const result = await runCli(['--env', 'embedded', '--report', `junit=${junit}`, '-q']);
    expect(result.code).toBe(ExitCode.Pass);
    const { suite } = await readJunit(junit);
    expect(suite['@_tests']).toBe(11);
    expect(suite['@_failures'] + suite['@_errors'] + suite['@_skipped']).toBe(0);
  });
});

describe('--quiet', () => {
  it('prints only the verdict line and still writes every report file', async () => {
    const junit = join(dir, 'quiet', 'r.xml');
    const json = join(dir, 'quiet', 'r.json');
    const markdown = join(dir, 'quiet', 'r.md');
    const result = await runCli(
      ['--env', 'embedded', '--scenario', 'missing_agent_thinking', '--quiet']
        .concat(['--report', `junit=${junit}`, '--report', `json=${json}`])
        .concat(['--report', `markdown=${markdown}`]),
    );
    expect(result.code).toBe(ExitCode.ContractFailed);
    expect(result.stdout).toMatch(/^FAIL {2}4\/5 events · 5\/6 rules · \d+ms · exit 1\n$/);
    expect((await readReport(json)).exitCode).toBe(ExitCode.ContractFailed);
    expect((await readJunit(junit)).suite['@_failures']).toBe(2);
    expect(await readFile(markdown, 'utf8')).toContain('❌ ws-validate: FAIL');
  });
});

describe('GitHub Actions', () => {
  it('appends the markdown summary to GITHUB_STEP_SUMMARY on every run', async () => {
    const summary = join(dir, 'step-summary.md');
    const env = { GITHUB_STEP_SUMMARY: summary };
    const first = await runCli(['--env', 'embedded', '-q'], { env });
    const second = await runCli(
      ['--env', 'embedded', '--scenario', 'missing_agent_thinking', '-q'],
      { env },
    );
    expect([first.code, second.code]).toEqual([ExitCode.Pass, ExitCode.ContractFailed]);
    const text = await readFile(summary, 'utf8');
    expect(text.indexOf('## ✅ ws-validate: PASS (embedded)')).toBe(0);
    expect(text).toContain('## ❌ ws-validate: FAIL (embedded)');
    expect(text.indexOf('PASS')).toBeLessThan(text.indexOf('FAIL'));
    expect(text).toContain('| `agent_thinking` | ❌ missing | 0 |');
  });

  it('writes no step summary with --no-step-summary', async () => {
    const summary = join(dir, 'no-summary.md');
    const result = await runCli(['--env', 'embedded', '-q', '--no-step-summary'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(result.code).toBe(ExitCode.Pass);
    expect(await exists(summary)).toBe(false);
  });

  it('prints ::error annotations on stderr for each failure under GITHUB_ACTIONS', async () => {
    const args = ['--env', 'embedded', '--scenario', 'missing_tool_completed', '-q'];
    const result = await runCli(args, { env: { GITHUB_ACTIONS: 'true' } });
    expect(result.code).toBe(ExitCode.ContractFailed);
    const errors = result.stderr.split('\n').filter((line) => line.startsWith('::error '));
    expect(errors).toEqual([
      '::error title=ws-validate%3A tool_completed missing::tool_completed never arrived',
      '::error title=ws-validate%3A rule presence::never arrived for this run: tool_completed',
      expect.stringMatching(/^::error title=ws-validate%3A rule tool_pairing::1 tool_executing/),
    ]);
    expect(result.stdout).not.toContain('::error');
  });

  it('prints no annotations with --no-annotations or outside GitHub Actions', async () => {
    const args = ['--env', 'embedded', '--scenario', 'missing_tool_completed', '-q'];
    const off = await runCli([...args, '--no-annotations'], { env: { GITHUB_ACTIONS: 'true' } });
    const outside = await runCli(args);
    expect([off.code, outside.code]).toEqual([ExitCode.ContractFailed, ExitCode.ContractFailed]);
    expect(off.stderr).not.toContain('::error');
    expect(outside.stderr).not.toContain('::error');
  });
});
