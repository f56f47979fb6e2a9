import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { JSON_REPORT_KEYS, renderJson } from '../../src/report/json.js';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

describe('renderJson', () => {
  it('matches the golden output, keys reordered from the scrambled fixture', () => {
    const golden = readFileSync(
      new URL('../fixtures/golden/json-pass.json', import.meta.url),
      'utf8',
    );
    expect(renderJson(loadReport('pass'))).toBe(golden);
  });

  it.each(['pass', 'fail', 'auth-error', 'special'])('keeps every value of the %s run', (name) => {
    const report = loadReport(name);
    expect(JSON.parse(renderJson(report))).toEqual(report);
  });

  it('writes the top-level keys in the fixed order, handshake and error when present', () => {
    expect(Object.keys(JSON.parse(renderJson(loadReport('auth-error'))) as object)).toEqual(
      JSON_REPORT_KEYS.filter((key) => key !== 'handshake'),
    );
    expect(Object.keys(JSON.parse(renderJson(loadReport('fail'))) as object)).toEqual(
      JSON_REPORT_KEYS.filter((key) => key !== 'error' && key !== 'handshake'),
    );
    const handshake = { completed: true, status: 'adopted', threadId: 'thread_9' } as const;
    const out = JSON.parse(renderJson({ ...loadReport('pass'), handshake })) as Record<
      string,
      object
    >;
    expect(Object.keys(out).slice(3, 6)).toEqual(['target', 'trigger', 'handshake']);
    expect(Object.keys(out.handshake ?? {})).toEqual(['threadId', 'status', 'completed']);
  });

  it('orders the keys of nested objects', () => {
    const report = loadReport('auth-error');
    const out = JSON.parse(renderJson(report)) as Record<string, Record<string, unknown>>;
    expect(Object.keys(out.error ?? {})).toEqual(['code', 'message', 'hint']);
    const attempts = JSON.parse(renderJson(report)) as { attempts: Record<string, unknown>[] };
    expect(Object.keys(attempts.attempts[0] ?? {})).toEqual(['attempt', 'durationMs', 'error']);
  });

  it('renders two equal reports with differently ordered keys to the same bytes', () => {
    const report = loadReport('fail');
    const reversed = Object.fromEntries(Object.entries(report).reverse()) as unknown as RunReport;
    expect(renderJson(reversed)).toBe(renderJson(report));
  });

  it('keeps keys it does not know, after the known ones', () => {
    const report = { ...loadReport('pass'), zeta: 1, alpha: 2 } as RunReport;
    const keys = Object.keys(JSON.parse(renderJson(report)) as object);
    expect(keys.slice(-2)).toEqual(['alpha', 'zeta']);
  });

  it('indents by two spaces and ends with one newline', () => {
    const out = renderJson(loadReport('pass'));
    expect(out.split('\n')[1]).toBe('  "schemaVersion": 2,');
    expect(out.endsWith('}\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
  });
});
