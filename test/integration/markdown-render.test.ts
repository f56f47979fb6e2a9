import { readFileSync } from 'node:fs';
import { micromark } from 'micromark';
import { gfm as gfmSyntax, gfmHtml } from 'micromark-extension-gfm';
import { describe, expect, it } from 'vitest';
import { aggregateRuns, type RunSummary } from '../../src/contract/aggregate.js';
import type { RunReport } from '../../src/contract/run-report.js';
import { renderAggregateMarkdown, renderMarkdown } from '../../src/report/markdown.js';

/** Renders Markdown by the GFM spec (autolink literals, strikethrough, tables), raw HTML kept as GitHub's renderer keeps it. */
function gfm(markdown: string): string {
  return micromark(markdown, {
    allowDangerousHtml: true,
    extensions: [gfmSyntax()],
    htmlExtensions: [gfmHtml()],
  });
}

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

// Server text that GFM would turn into links, a mailto link and strikethrough.
const HOSTILE = [
  'see https://evil.example/login now',
  'or www.evil.example/x',
  '(http://evil.example/a)',
  '_www.evil.example_',
  'HTTPS://EVIL.EXAMPLE',
  'ftp://files.evil.example/f',
  'mail admin@evil.example',
  '~~gone~~ and ~gone~',
];

const TEXT = HOSTILE.join(' · ');

function hostileReport(): RunReport {
  const base = loadReport('fail');
  return {
    ...base,
    rules: base.rules.map((rule) => ({ ...rule, status: 'fail', message: TEXT })),
    diagnoses: [{ code: 'server_error', message: TEXT }],
    warnings: [TEXT],
    error: { code: 'SERVER', message: TEXT, hint: TEXT },
  };
}

// A failing path is made of the frame's keys: one with a backtick must not end its code span.
function hostileMatrix(): RunReport {
  const base = loadReport('matrix');
  const [first, ...others] = base.profiles;
  if (first === undefined) throw new Error('the matrix fixture has profiles');
  const events = first.events.map((event, i) =>
    i === 0
      ? {
          ...event,
          status: 'fail' as const,
          errors: [{ path: `data.\` ${TEXT} \``, message: TEXT }],
        }
      : event,
  );
  return { ...base, profiles: [{ ...first, events }, ...others] };
}

function hostileAggregate() {
  const run: RunSummary = {
    index: 1,
    verdict: 'fail',
    exitCode: 1,
    trigger: { type: 'agent_execution', thread_id: 't-1', run_id: 'r-1' },
    durationMs: 10,
    latencies: { connectMs: 1, firstEventMs: 2, completedMs: null },
    events: {},
    failures: [TEXT],
    diagnoses: [],
  };
  return aggregateRuns([run], {
    minPassRate: 1,
    durationMs: 10,
    target: { env: 'www.evil.example', url: 'https://evil.example/ws' },
    requiredEvents: [],
  });
}

describe('Markdown reports rendered by GitHub-flavoured Markdown', () => {
  it('control: the same text unescaped becomes links and strikethrough', () => {
    const html = gfm(`${TEXT}\n`);
    // Six links: the `_www…_` piece is emphasis here, and a link once its underscores are escaped.
    expect(html.match(/<a /g)?.length).toBe(6);
    expect(html).toContain('<del>');
  });

  it.each([
    ['a run report', () => renderMarkdown(hostileReport())],
    ['a compatibility matrix', () => renderMarkdown(hostileMatrix())],
    ['an aggregate', () => renderAggregateMarkdown(hostileAggregate())],
  ])(
    'of %s: server text renders as the text itself, never a link or strikethrough',
    (_name, render) => {
      const markdown = render();
      const html = gfm(markdown);
      expect(html).not.toMatch(/<a[\s>]/);
      expect(html).not.toContain('<del>');
      // Every piece reads as it was sent, once the empty elements and escapes are rendered.
      const visible = html.replace(/<wbr>/g, '').replace(/&amp;/g, '&');
      for (const piece of [
        'https://evil.example/login',
        'www.evil.example/x',
        '(http://evil.example/a)',
        'admin@evil.example',
        '~~gone~~',
      ]) {
        expect(visible).toContain(piece);
      }
    },
  );
});
