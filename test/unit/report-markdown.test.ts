import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { renderMarkdown } from '../../src/report/markdown.js';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

function golden(name: string): string {
  return readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
}

// A cell separator is a pipe not escaped by a backslash.
function cells(row: string): string[] {
  return row.split(/(?<!\\)\|/).slice(1, -1);
}

describe('renderMarkdown', () => {
  it.each(['fail', 'special', 'auth-error'])('matches the golden output for the %s run', (name) => {
    expect(renderMarkdown(loadReport(name))).toBe(golden(`markdown-${name}.md`));
  });

  it.each(['pass', 'fail', 'auth-error', 'special'])(
    'gives every table row of the %s run as many cells as its header',
    (name) => {
      const tables = renderMarkdown(loadReport(name))
        .split('\n\n')
        .filter((block) => block.startsWith('|'));
      expect(tables).toHaveLength(2);
      for (const table of tables) {
        const [header, separator, ...rows] = table.trimEnd().split('\n');
        const width = cells(header ?? '').length;
        expect(cells(separator ?? '')).toHaveLength(width);
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect(cells(row)).toHaveLength(width);
      }
    },
  );

  it('has one event row per required event with its status, count and first-seen time', () => {
    const rows = renderMarkdown(loadReport('pass'))
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows.slice(0, 5)).toEqual([
      '| `agent_started` | ✅ pass | 1 | +412ms | |',
      '| `agent_thinking` | ✅ pass | 2 | +530ms | |',
      '| `tool_executing` | ✅ pass | 1 | +601ms | |',
      '| `tool_completed` | ✅ pass | 1 | +988ms | |',
      '| `agent_completed` | ✅ pass | 1 | +1.2s | |',
    ]);
  });

  it('puts the verdict in the heading', () => {
    expect(renderMarkdown(loadReport('pass')).split('\n')[0]).toBe(
      '## ✅ ws-validate: PASS (staging)',
    );
  });

  it('leaves no raw newline, tag or link markup from server text in a cell', () => {
    const base = loadReport('pass');
    const report: RunReport = {
      ...base,
      rules: [
        { id: 'order', status: 'fail', message: 'x\n\n# big <img src=x> [a](http://e) _y_ `z`' },
      ],
    };
    const row = renderMarkdown(report)
      .split('\n')
      .find((line) => line.startsWith('| `order`'));
    expect(row).toBe(
      '| `order` | ❌ fail | x<br><br># big &lt;img src=x&gt; \\[a\\](http\\://e) \\_y\\_ \\`z\\` |',
    );
  });

  it('ends with exactly one newline', () => {
    const out = renderMarkdown(loadReport('fail'));
    expect(out.endsWith('\n')).toBe(true);
    expect(out.endsWith('\n\n')).toBe(false);
  });
});
