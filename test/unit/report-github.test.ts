import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/contract/run-report.js';
import {
  escapeGithubData,
  escapeGithubProperty,
  renderGithubAnnotations,
} from '../../src/report/github.js';

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

describe('renderGithubAnnotations', () => {
  it('has no annotation for a passing run', () => {
    expect(renderGithubAnnotations(loadReport('pass'))).toEqual([]);
  });

  it('annotates failing events, failed rules, diagnoses and warnings of a failing run', () => {
    expect(renderGithubAnnotations(loadReport('fail'))).toEqual([
      '::error title=ws-validate%3A tool_executing fail::`data.tool_args` missing; frame has `data.parameters` (expected object, actual missing)%0A`correlation_id` missing',
      '::error title=ws-validate%3A agent_completed missing::agent_completed never arrived',
      '::error title=ws-validate%3A rule presence::agent_completed never arrived',
      '::error title=ws-validate%3A shape_drift::tool_executing carries tool_name at the top and details under data.parameters (agent bridge shape)',
      '::error title=ws-validate%3A duplicate_event::agent_started arrived 2 times for one run',
      '::warning::token expires in 42s',
    ]);
  });

  it('annotates a run error once, not the events it kept from being judged', () => {
    expect(renderGithubAnnotations(loadReport('auth-error'))).toEqual([
      '::error title=ws-validate%3A AUTH_FAILED::auth rejected%0ACheck the token: --token, WS_VALIDATE_TOKEN or --token-file.',
      '::error title=ws-validate%3A auth_failed::the upgrade succeeded (101) but the server sent error_message AUTH_FAILED and closed with 1008',
    ]);
  });

  it('escapes percent signs and line breaks, and shows escape sequences escaped', () => {
    expect(renderGithubAnnotations(loadReport('special'))).toEqual([
      `::error title=ws-validate%3A agent_started fail::name is "<script>" & 'x' | y%0Asecond line (expected string, actual <script>)`,
      `::error title=ws-validate%3A rule order::a|b <c>%0Athen "d" & 'e'`,
      `::error title=ws-validate%3A server_error::server said 100%25 "<oops>" | done%0D%0Abye\\u0007`,
      '::warning::colour \\u001b[31mred\\u001b[0m, here: 50%25',
    ]);
  });

  it('keeps every annotation on one line', () => {
    for (const name of ['fail', 'auth-error', 'special']) {
      for (const line of renderGithubAnnotations(loadReport(name))) {
        expect(line).toMatch(/^::(error|warning)( title=[^:]*)?::[^\r\n]*$/);
      }
    }
  });
});

describe('escapeGithubData', () => {
  it.each([
    ['plain', 'plain'],
    ['50% done', '50%25 done'],
    ['a\r\nb', 'a%0D%0Ab'],
    ['literal %0A', 'literal %250A'],
    ['a: b, c', 'a: b, c'],
    ['bell\u0007 and \u001b[1mbold\u001b[22m', 'bell\\u0007 and \\u001b[1mbold\\u001b[22m'],
    ['tab\there, DEL\u007f, CSI\u009b', 'tab\\u0009here, DEL\\u007f, CSI\\u009b'],
  ])('escapes %j as %j', (input, output) => {
    expect(escapeGithubData(input)).toBe(output);
  });
});

describe('escapeGithubProperty', () => {
  it.each([
    ['ws-validate: order', 'ws-validate%3A order'],
    ['a, b', 'a%2C b'],
    ['100%: x,\ny', '100%25%3A x%2C%0Ay'],
  ])('escapes %j as %j', (input, output) => {
    expect(escapeGithubProperty(input)).toBe(output);
  });
});
