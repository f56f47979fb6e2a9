import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { renderGithubAnnotations } from '../../src/report/github.js';
import { renderHuman, renderVerdictLine } from '../../src/report/human.js';
import { renderJson } from '../../src/report/json.js';
import { renderJunit } from '../../src/report/junit.js';
import { renderMarkdown } from '../../src/report/markdown.js';

// A run judged by three profiles (canonical fails on shape, bridge passes, flat misses an event):
// every format shows the matrix, checked against output written by hand.

const plain = new Chalk({ level: 0 });

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

function golden(name: string): string {
  return readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
}

const report = loadReport('matrix');

describe('a run judged by several profiles', () => {
  it('leads the human report with the compatibility matrix', () => {
    expect(renderHuman(report, { chalk: plain })).toBe(golden('human-matrix.txt'));
  });

  it('colours each cell by its status', () => {
    const out = renderHuman(report, { chalk: new Chalk({ level: 1 }) });
    expect(out).toContain('\u001b[31m✖ thread_id');
    expect(out).toContain('\u001b[32m✔ PASS (exit 0)');
  });

  it('sums up the profiles in the verdict line', () => {
    expect(renderVerdictLine(report, plain)).toBe(
      'FAIL  1/3 profiles passed (bridge) · 1.5s · exit 1',
    );
  });

  it('leads the Markdown report with the matrix as a table', () => {
    expect(renderMarkdown(report)).toBe(golden('markdown-matrix.md'));
  });

  it('gives JUnit a testsuite per profile', () => {
    const xml = renderJunit(report);
    expect(xml).toBe(golden('junit-matrix.xml'));
    expect(XMLValidator.validate(xml)).toBe(true);
  });

  it('keeps every profile in the JSON report, keys in order', () => {
    const json = JSON.parse(renderJson(report)) as RunReport;
    expect(json.profiles.map((p) => [p.name, p.verdict, p.exitCode])).toEqual([
      ['canonical', 'fail', 1],
      ['bridge', 'pass', 0],
      ['flat', 'fail', 1],
    ]);
    expect(Object.keys(json.profiles[0] ?? {})).toEqual([
      'name',
      'verdict',
      'exitCode',
      'events',
      'rules',
      'diagnoses',
    ]);
  });

  it('annotates each other profile that failed once, after the first profile', () => {
    const lines = renderGithubAnnotations(report);
    expect(lines.at(-1)).toBe(
      '::error title=ws-validate%3A profile flat fail::`reasoning` missing; frame has `data.reasoning` (expected a non-empty string, actual missing)%0Atool_completed never arrived%0Arule presence: never arrived for this run: tool_completed%0Arule tool_pairing: 1 tool_executing never closed by a tool_completed (first: tool_name `data_helper` at frame #5)',
    );
    expect(lines.filter((line) => line.includes('profile bridge'))).toEqual([]);
  });
});
