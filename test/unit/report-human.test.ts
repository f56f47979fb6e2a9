import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { renderHuman, renderVerdictLine } from '../../src/report/human.js';

const plain = new Chalk({ level: 0 });
const coloured = new Chalk({ level: 1 });
const ANSI = '\u001b[';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

function golden(name: string): string {
  return readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
}

const FIXTURES = ['pass', 'fail', 'auth-error', 'special'] as const;

describe('renderHuman', () => {
  it.each(FIXTURES)('matches the golden output for the %s run', (name) => {
    expect(renderHuman(loadReport(name), { chalk: plain })).toBe(golden(`human-${name}.txt`));
  });

  it.each(FIXTURES)('has no ANSI at level 0 and ANSI at level 1 for the %s run', (name) => {
    const report = loadReport(name);
    expect(renderHuman(report, { chalk: plain })).not.toContain(ANSI);
    expect(renderHuman(report, { chalk: coloured })).toContain(ANSI);
  });

  it.each([
    [
      { threadId: 'thread_s1', status: 'adopted', completed: true },
      "handshake answered; the run took the server's thread_id thread_s1 (handshake_complete received)",
    ],
    [
      { threadId: 'thread_s1', status: 'adopted', completed: false },
      "handshake answered; the run took the server's thread_id thread_s1 (no handshake_complete)",
    ],
    [
      { threadId: 'thread_\u001b[2Js1', status: 'unanswered', completed: false },
      'handshake the server sent handshake_response (thread_id thread_\\u001b[2Js1); not answered (--handshake off)',
    ],
  ] as const)('says under the header what became of the handshake: %o', (handshake, line) => {
    const lines = renderHuman({ ...loadReport('pass'), handshake }, { chalk: plain }).split('\n');
    expect(lines[2]).toBe(line);
  });

  it('differs from the plain output only by colour codes', () => {
    const report = loadReport('fail');
    // eslint-disable-next-line no-control-regex
    const stripped = renderHuman(report, { chalk: coloured }).replace(/\u001b\[\d+m/g, '');
    expect(stripped).toBe(renderHuman(report, { chalk: plain }));
  });

  it('colours a failing mark red and a passing mark green', () => {
    const out = renderHuman(loadReport('fail'), { chalk: coloured });
    expect(out).toContain('\u001b[31m✖\u001b[39m tool_executing');
    expect(out).toContain('\u001b[32m✔\u001b[39m agent_started');
  });

  it('drops escape sequences a server put in its text even when colours are on', () => {
    const out = renderHuman(loadReport('special'), { chalk: coloured });
    expect(out).not.toContain('\u001b[31mred');
    expect(out).not.toContain('\u0007');
  });

  it('adds the session block with start, frames, close and attempts when verbose', () => {
    const out = renderHuman(loadReport('auth-error'), { chalk: plain, verbose: true });
    expect(out).toContain(
      [
        'session',
        '  started   2025-11-25T10:10:00.000Z',
        '  frames    1 received · 0 sent',
        '  close     1008 "auth failed"',
        '  attempt 1 95ms  AUTH_FAILED auth rejected',
      ].join('\n'),
    );
    expect(renderHuman(loadReport('auth-error'), { chalk: plain })).not.toContain('session');
  });

  it('ends with the verdict line alone on the last line', () => {
    for (const name of FIXTURES) {
      const report = loadReport(name);
      const lines = renderHuman(report, { chalk: plain }).trimEnd().split('\n');
      expect(lines.at(-1)).toBe(renderVerdictLine(report, plain));
    }
  });
});

describe('renderVerdictLine', () => {
  it.each([
    ['pass', 'PASS  5/5 events · 6/6 rules · 1.2s'],
    ['fail', 'FAIL  3/5 events · 4/5 rules · 1 skipped · 2.3s · exit 1'],
    ['auth-error', 'ERROR  auth rejected (AUTH_FAILED) · exit 4'],
  ])('renders the %s run as %j', (name, line) => {
    expect(renderVerdictLine(loadReport(name), plain)).toBe(line);
  });

  it('names the exit code when an error verdict carries no error', () => {
    const { error: _error, ...rest } = loadReport('auth-error');
    const report: RunReport = { ...rest, exitCode: 3 };
    expect(renderVerdictLine(report, plain)).toBe(
      'ERROR  run could not be judged (EXIT_3) · exit 3',
    );
  });

  it('reports a timeout as a failure with exit 5', () => {
    const report: RunReport = { ...loadReport('fail'), exitCode: 5 };
    expect(renderVerdictLine(report, plain)).toMatch(/^FAIL .* · exit 5$/);
  });

  it('colours PASS green and ERROR red at level 1', () => {
    const pass = renderVerdictLine(loadReport('pass'), coloured);
    const error = renderVerdictLine(loadReport('auth-error'), coloured);
    expect(pass.startsWith('\u001b[1m\u001b[32mPASS')).toBe(true);
    expect(error.startsWith('\u001b[1m\u001b[31mERROR')).toBe(true);
  });
});

describe('renderHuman for a run that received nothing', () => {
  it('leaves out the coverage section, which would list every schema as unexercised', () => {
    const report = loadReport('fail');
    const silent: RunReport = {
      ...report,
      frames: { received: 0, sent: 1, byType: {} },
      coverage: { unvalidatedTypes: [], unusedSchemas: ['agent_started', 'agent_thinking'] },
    };
    expect(renderHuman(report, { chalk: plain })).toMatch(/^coverage$/m);
    expect(renderHuman(silent, { chalk: plain })).not.toMatch(/^coverage$/m);
  });
});
