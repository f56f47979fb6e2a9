import { printable } from './describe.js';

/** How a testcase ended when it did not pass, as a JUnit publisher counts it. */
export interface CaseResult {
  kind: 'failure' | 'error' | 'skipped';
  message: string;
  type?: string;
  /** The element's text, shown verbatim by CI viewers. */
  body?: string;
}

/** One testcase; a case without `result` passed. */
export interface JunitCase {
  classname: string;
  name: string;
  result?: CaseResult;
}

/** One testsuite: its properties, its testcases and what it printed. */
export interface JunitSuite {
  name: string;
  durationMs: number;
  timestamp?: string;
  properties: readonly (readonly [name: string, value: string])[];
  cases: readonly JunitCase[];
  systemOut?: string;
}

type Counts = Record<'tests' | 'failures' | 'errors' | 'skipped', number>;

// Every count is read off the testcases, so each level is the sum of what it holds.
function countCases(cases: readonly JunitCase[]): Counts {
  const of = (kind: CaseResult['kind']): number =>
    cases.filter((c) => c.result?.kind === kind).length;
  return {
    tests: cases.length,
    failures: of('failure'),
    errors: of('error'),
    skipped: of('skipped'),
  };
}

/**
 * Renders a JUnit document that validates against Jenkins' junit-10.xsd: `<testsuites>` with the
 * sums of its suites' tests, failures and errors (the schema allows no `skipped` there), and each
 * `<testsuite>` with the counts of its own testcases.
 */
export function renderTestsuites(suites: readonly JunitSuite[], durationMs: number): string {
  const counts = suites.map((suite) => countCases(suite.cases));
  const sum = (key: keyof Counts): number => counts.reduce((total, c) => total + c[key], 0);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="ws-validate" tests="${sum('tests')}" failures="${sum('failures')}" errors="${sum('errors')}" time="${seconds(durationMs)}">`,
    ...suites.flatMap((suite, i) => renderSuite(suite, counts[i] ?? countCases(suite.cases))),
    '</testsuites>',
    '',
  ].join('\n');
}

function renderSuite(suite: JunitSuite, counts: Counts): string[] {
  const timestamp = suite.timestamp === undefined ? '' : ` timestamp="${attr(suite.timestamp)}"`;
  return [
    `  <testsuite name="${attr(suite.name)}" tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}" time="${seconds(suite.durationMs)}"${timestamp}>`,
    '    <properties>',
    ...suite.properties.map(
      ([name, value]) => `      <property name="${attr(name)}" value="${attr(value)}"/>`,
    ),
    '    </properties>',
    ...suite.cases.flatMap(renderCase),
    ...(suite.systemOut === undefined || suite.systemOut === ''
      ? []
      : [`    <system-out>${text(suite.systemOut)}</system-out>`]),
    '  </testsuite>',
  ];
}

function renderCase(testcase: JunitCase): string[] {
  const open = `    <testcase classname="${attr(testcase.classname)}" name="${attr(testcase.name)}"`;
  const { result } = testcase;
  if (result === undefined) return [`${open}/>`];
  const type = result.type === undefined ? '' : ` type="${attr(result.type)}"`;
  const head = `<${result.kind} message="${attr(result.message)}"${type}`;
  const element =
    result.body === undefined ? `${head}/>` : `${head}>${text(result.body)}</${result.kind}>`;
  return [`${open}>`, `      ${element}`, '    </testcase>'];
}

function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

// XML 1.0 forbids most control characters, U+FFFE/U+FFFF and lone surrogates even as references.
function clean(value: string): string {
  return printable(value).replace(
    /[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '',
  );
}

function text(value: string): string {
  return clean(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

// Attribute values lose raw newlines and tabs to whitespace normalisation unless they are character references.
function attr(value: string): string {
  return text(value).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
