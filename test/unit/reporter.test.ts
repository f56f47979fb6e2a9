import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chalk } from 'chalk';
import { XMLValidator } from 'fast-xml-parser';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalProfile } from '../helpers/profiles.js';
import { aggregateRuns, summariseRun, type AggregateReport } from '../../src/contract/aggregate.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { emitAggregateReport, emitRunReport, type EmitOptions } from '../../src/report/emit.js';
import { REPORT_FORMATS } from '../../src/report/formats.js';
import { renderAggregateJson, renderJson } from '../../src/report/json.js';
import { REPORTERS } from '../../src/report/reporter.js';
import { parseReportTarget } from '../../src/settings/parse.js';
import { redactStrings } from '../../src/shared/redact.js';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

function golden(name: string): string {
  return readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
}

const noLatency = { connectMs: null, firstEventMs: null, completedMs: null };

function twoRuns(): AggregateReport {
  return aggregateRuns(
    [
      summariseRun(loadReport('pass'), 1, noLatency),
      summariseRun(loadReport('fail'), 2, noLatency),
    ],
    {
      minPassRate: 1,
      durationMs: 2000,
      target: { env: 'staging', url: 'wss://example.test/ws' },
      requiredEvents: canonicalProfile().spec.required,
    },
  );
}

describe('the reporter registry', () => {
  it('has one reporter for every report format and no other', () => {
    expect(Object.keys(REPORTERS).sort()).toEqual([...REPORT_FORMATS].sort());
  });

  it('accepts exactly the formats it has reporters for in --report', () => {
    for (const format of Object.keys(REPORTERS)) {
      expect(parseReportTarget(`${format}=out/file`).format).toBe(format);
    }
    expect(() => parseReportTarget('html=out/file')).toThrow(/not <format>=<path>/);
  });

  it('makes an unknown format a type error', () => {
    // @ts-expect-error -- html is not a report format
    expect(REPORTERS.html).toBeUndefined();
  });

  it('renders run reports byte for byte as the golden files of each format', () => {
    expect(REPORTERS.json.renderRun(loadReport('pass'))).toBe(golden('json-pass.json'));
    expect(REPORTERS.junit.renderRun(loadReport('fail'))).toBe(golden('junit-fail.xml'));
    expect(REPORTERS.markdown.renderRun(loadReport('fail'))).toBe(golden('markdown-fail.md'));
  });

  it('renders an aggregate in the format it is registered under', () => {
    const aggregate = twoRuns();
    expect(JSON.parse(REPORTERS.json.renderAggregate(aggregate))).toEqual(aggregate);
    const xml = REPORTERS.junit.renderAggregate(aggregate);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain(
      '<testsuite name="ws-validate staging gate" tests="1" failures="1" errors="0" skipped="0"',
    );
    expect(REPORTERS.markdown.renderAggregate(aggregate)).toMatch(
      /^## ❌ ws-validate: FAIL \(staging, 2 runs\)\n/,
    );
  });
});

describe('emit', () => {
  let dir = '';
  afterEach(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  async function emitBoth(json: boolean): Promise<{
    stdout: string;
    stderr: string;
    files: (name: string) => Promise<string>;
  }> {
    dir = await mkdtemp(join(tmpdir(), 'ws-validate-emit-'));
    let stdout = '';
    let stderr = '';
    const options = (prefix: string): EmitOptions => ({
      json,
      quiet: false,
      verbose: false,
      reports: REPORT_FORMATS.map((format) => ({ format, path: `${prefix}.${format}` })),
      stepSummary: true,
      annotations: true,
      env: { GITHUB_STEP_SUMMARY: join(dir, 'summary.md'), GITHUB_ACTIONS: 'true' },
      chalk: new Chalk({ level: 0 }),
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
      redact: (text) => text.replaceAll('thread-0002', '***'),
      cwd: dir,
    });
    await emitRunReport(loadReport('fail'), options('run'));
    await emitAggregateReport(twoRuns(), options('runs'));
    return { stdout, stderr, files: (name) => readFile(join(dir, name), 'utf8') };
  }

  const redact = (text: string): string => text.replaceAll('thread-0002', '***');

  it('writes every --report file of a run and of an aggregate through its reporter, redacted', async () => {
    const { files } = await emitBoth(false);
    expect(await files('run.junit')).toBe(redact(golden('junit-fail.xml')));
    // The report is masked before it is rendered, so Markdown escapes the mask like any text.
    expect(await files('run.markdown')).toBe(
      golden('markdown-fail.md').replaceAll('thread-0002', '\\*\\*\\*'),
    );
    expect(await files('run.json')).toBe(redact(renderJson(loadReport('fail'))));
    const aggregate = redactStrings(twoRuns(), redact);
    for (const format of REPORT_FORMATS) {
      expect(await files(`runs.${format}`)).toBe(REPORTERS[format].renderAggregate(aggregate));
    }
  });

  it('masks the report before any renderer escapes its text, which could split a secret', async () => {
    // Markdown escapes an underscore before a dash: a secret masked only after rendering would leak.
    const secret = 'tok_-opaque-secret-value';
    const report = loadReport('fail');
    report.warnings = [`the server said ${secret}`];
    dir = await mkdtemp(join(tmpdir(), 'ws-validate-emit-'));
    let stdout = '';
    await emitRunReport(report, {
      json: false,
      quiet: false,
      verbose: false,
      reports: [{ format: 'markdown', path: 'r.md' }],
      stepSummary: false,
      annotations: false,
      env: {},
      chalk: new Chalk({ level: 0 }),
      stdout: (text) => (stdout += text),
      stderr: () => undefined,
      redact: (text) => text.replaceAll(secret, '***'),
      cwd: dir,
    });
    const markdown = await readFile(join(dir, 'r.md'), 'utf8');
    expect(markdown).toContain('- the server said \\*\\*\\*');
    expect(markdown).not.toContain('opaque-secret-value');
    expect(stdout).toContain('the server said ***');
  });

  it('appends both markdown renderings to the step summary and prints annotations', async () => {
    const { stdout, stderr, files } = await emitBoth(false);
    expect(await files('summary.md')).toBe(
      `${golden('markdown-fail.md').replaceAll('thread-0002', '\\*\\*\\*')}\n` +
        `${REPORTERS.markdown.renderAggregate(redactStrings(twoRuns(), redact))}\n`,
    );
    expect(stdout).toContain('FAIL  3/5 events');
    expect(stdout).toContain('FAIL  1/2 runs passed (50.0% < 100.0%)');
    expect(stderr).toMatch(/^::error title=ws-validate%3A pass rate::1\/2 runs passed/m);
  });

  it('prints the JSON rendering on stdout with --json', async () => {
    const { stdout } = await emitBoth(true);
    expect(stdout).toBe(redact(renderJson(loadReport('fail')) + renderAggregateJson(twoRuns())));
  });
});
