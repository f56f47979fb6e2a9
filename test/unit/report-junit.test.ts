import { readFileSync } from 'node:fs';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import { renderJunit } from '../../src/report/junit.js';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

function golden(name: string): string {
  return readFileSync(new URL(`../fixtures/golden/${name}`, import.meta.url), 'utf8');
}

/** Returns the problems that make `xml` not well-formed; an empty list for a well-formed document. */
function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(xml)) {
    problems.push('forbidden control character');
  }
  const body = xml.replace(/^<\?xml [^?]*\?>\n/, '');
  const stack: string[] = [];
  const token = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|<|&/g;
  const entity = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;
  let match: RegExpExecArray | null;
  let roots = 0;
  while ((match = token.exec(body)) !== null) {
    const [whole, closing, name, attrs, selfClosing] = match;
    if (whole === '&') {
      if (!entity.test(body.slice(match.index))) problems.push(`bare & at ${match.index}`);
      continue;
    }
    if (whole === '<' || name === undefined) {
      problems.push(`stray < at ${match.index}`);
      continue;
    }
    for (const value of (attrs ?? '').matchAll(/="([^"]*)"/g)) {
      const raw = value[1] ?? '';
      if (/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(raw)) {
        problems.push(`bare & in attribute of <${name}>`);
      }
    }
    const names = [...(attrs ?? '').matchAll(/([\w:.-]+)=/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length) problems.push(`duplicate attribute on <${name}>`);
    if (stack.length === 0 && closing === '') roots += 1;
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else if (selfClosing !== '/') {
      stack.push(name);
    }
  }
  if (stack.length > 0) problems.push(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

function attribute(xml: string, element: string, name: string): number {
  const match = new RegExp(`<${element} [^>]*\\b${name}="(\\d+)"`).exec(xml);
  return Number(match?.[1]);
}

function count(xml: string, pattern: RegExp): number {
  return xml.match(pattern)?.length ?? 0;
}

describe('renderJunit', () => {
  it('matches the golden output for a failing run', () => {
    expect(renderJunit(loadReport('fail'))).toBe(golden('junit-fail.xml'));
  });

  it('matches the golden output for an auth error: one error, everything else skipped', () => {
    expect(renderJunit(loadReport('auth-error'))).toBe(golden('junit-auth-error.xml'));
  });

  it('matches the golden output with special characters and control characters escaped', () => {
    const out = renderJunit(loadReport('special'), { suiteName: 'nightly <smoke> & more' });
    expect(out).toBe(golden('junit-special.xml'));
  });

  it.each(['pass', 'fail', 'auth-error', 'special'])('is well-formed for the %s run', (name) => {
    expect(xmlProblems(renderJunit(loadReport(name)))).toEqual([]);
  });

  it.each(['pass', 'fail', 'auth-error', 'special'])(
    'counts in its attributes what it contains for the %s run',
    (name) => {
      const xml = renderJunit(loadReport(name));
      for (const element of ['testsuites', 'testsuite']) {
        expect(attribute(xml, element, 'tests')).toBe(count(xml, /<testcase /g));
        expect(attribute(xml, element, 'failures')).toBe(count(xml, /<failure /g));
        expect(attribute(xml, element, 'errors')).toBe(count(xml, /<error /g));
      }
      expect(attribute(xml, 'testsuite', 'skipped')).toBe(count(xml, /<skipped /g));
      // junit-10.xsd allows no skipped count on <testsuites>.
      expect(xml).not.toMatch(/<testsuites [^>]*skipped=/);
    },
  );

  it('names the suite after the environment and times it in seconds', () => {
    const xml = renderJunit(loadReport('pass'));
    expect(xml).toContain('<testsuite name="ws-validate staging" tests="11" failures="0"');
    expect(xml).toContain('time="1.234"');
    expect(count(xml, /classname="ws-validate.events"/g)).toBe(5);
    expect(count(xml, /classname="ws-validate.rules"/g)).toBe(6);
    expect(xml).not.toContain('<system-out>');
  });

  it('stays well-formed with NUL, lone surrogates and quotes in every field', () => {
    const nasty = 'a\u0000b\ud800c"d\'e<f>&g\u001b[2Jh\uffff';
    const base = loadReport('fail');
    const report: RunReport = {
      ...base,
      target: { env: nasty, url: nasty },
      rules: base.rules.map((r) => ({ ...r, status: 'fail', message: nasty })),
      diagnoses: [{ code: 'server_error', message: nasty }],
      error: { code: nasty, message: nasty, hint: nasty },
    };
    const xml = renderJunit(report);
    expect(xmlProblems(xml)).toEqual([]);
    expect(xml).toContain('a\\u0000b');
    expect(xml).toContain('c&quot;d&apos;e&lt;f&gt;&amp;g\\u001b[2Jh');
  });

  it.each(['pass', 'fail', 'auth-error', 'special'])(
    'is accepted by a real XML parser for the %s run',
    (name) => {
      expect(XMLValidator.validate(renderJunit(loadReport(name)))).toBe(true);
    },
  );

  it('adds a failing verdict testcase when only a diagnosis fails the run', () => {
    const base = loadReport('pass');
    const report: RunReport = {
      ...base,
      verdict: 'fail',
      exitCode: 1,
      diagnoses: [{ code: 'invalid_frame', message: '1 frame was not JSON <text>' }],
    };
    const xml = renderJunit(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<testsuite name="ws-validate staging" tests="12" failures="1"');
    expect(xml).toContain(
      '<testcase classname="ws-validate.run" name="verdict">\n' +
        '      <failure message="invalid_frame: 1 frame was not JSON &lt;text&gt;" type="invalid_frame">',
    );
    expect(renderJunit(base)).not.toContain('name="verdict"');
  });

  it('has nothing for the run error testcase when the run was judged', () => {
    expect(renderJunit(loadReport('fail'))).not.toContain('ws-validate.run');
  });
});

describe('xmlProblems', () => {
  it.each([
    ['<a><b></a>', '</a> closes <b>'],
    ['<a>x & y</a>', 'bare & at 5'],
    ['<a>1 < 2</a>', 'stray < at 5'],
    ['<a x="1" x="2"/>', 'duplicate attribute on <a>'],
    ['<a/><b/>', '2 root elements'],
  ])('rejects %j', (xml, problem) => {
    expect(xmlProblems(xml)).toContain(problem);
  });
});
