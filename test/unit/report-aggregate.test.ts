import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { EventStatus } from '../../src/contract/types.js';
import { canonicalProfile } from '../helpers/profiles.js';
import type { RunReport } from '../../src/contract/run-report.js';
import {
  aggregateRuns,
  percentiles,
  normaliseFailure,
  summariseRun,
} from '../../src/contract/aggregate.js';
import {
  renderAggregateHuman,
  renderAggregateVerdictLine,
} from '../../src/report/human-aggregate.js';
import { renderAggregateJson } from '../../src/report/json.js';
import type { RunSummary } from '../../src/contract/aggregate.js';
import type { RunLatencies } from '../../src/contract/run-report.js';
import { renderAggregateAnnotations } from '../../src/report/github.js';
import { renderAggregateJunit } from '../../src/report/junit-batch.js';
import { renderAggregateMarkdown } from '../../src/report/markdown.js';
import { parseRate } from '../../src/settings/parse.js';

const plain = new Chalk({ level: 0 });
const target = { env: 'staging', url: 'wss://api.staging.netrasystems.ai/ws' };
const noLatency: RunLatencies = { connectMs: null, firstEventMs: null, completedMs: null };

function loadReport(name: string): RunReport {
  const url = new URL(`../fixtures/reports/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as RunReport;
}

const REQUIRED_EVENTS = canonicalProfile().spec.required;

function allEvents(status: EventStatus): Record<string, EventStatus> {
  return Object.fromEntries(REQUIRED_EVENTS.map((e) => [e, status]));
}

function summary(index: number, exitCode: number, failures: string[] = []): RunSummary {
  const verdict = exitCode === 0 ? 'pass' : exitCode === 1 || exitCode === 5 ? 'fail' : 'error';
  return {
    index,
    verdict,
    exitCode,
    trigger: { type: 'agent_execution', thread_id: `t-${index}`, run_id: `r-${index}` },
    durationMs: 1000,
    latencies: noLatency,
    events: allEvents(exitCode === 0 ? 'pass' : 'missing'),
    failures,
    diagnoses: [],
  };
}

function runsWithExitCodes(codes: number[]): RunSummary[] {
  return codes.map((code, i) => summary(i + 1, code));
}

describe('percentiles', () => {
  const oneToTwenty = Array.from({ length: 20 }, (_, i) => i + 1);
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
  it.each([
    [[], { p50: null, p95: null, max: null }],
    [[null, null], { p50: null, p95: null, max: null }],
    [[7], { p50: 7, p95: 7, max: 7 }],
    [[3, 1, 2], { p50: 2, p95: 3, max: 3 }],
    [[10, 20, 30, 40], { p50: 20, p95: 40, max: 40 }],
    [[40, null, 10, 30, null, 20], { p50: 20, p95: 40, max: 40 }],
    [oneToTwenty, { p50: 10, p95: 19, max: 20 }],
    [oneToHundred, { p50: 50, p95: 95, max: 100 }],
  ])('takes nearest-rank percentiles of %j', (values, expected) => {
    expect(percentiles(values)).toEqual(expected);
  });
});

describe('aggregateRuns exit code', () => {
  it.each([
    ['all pass, gate 1', [0, 0, 0, 0], 1, 0],
    ['19 of 20 at gate 0.95', [...Array<number>(19).fill(0), 1], 0.95, 0],
    ['18 of 20 at gate 0.95', [...Array<number>(18).fill(0), 1, 1], 0.95, 1],
    ['one failure at gate 1', [0, 0, 1], 1, 1],
    ['all fail at gate 0', [1, 1], 0, 0],
    ['every run auth-rejected', [4, 4, 4], 0.5, 4],
    ['every run refused', [3, 3], 0.5, 3],
    ['every run auth-rejected, gate 0', [4, 4], 0, 4],
    ['mixed connection and auth errors: auth wins', [3, 4, 3], 0.5, 4],
    ['auth errors beside a pass: the pass rate is over judged runs', [4, 0, 4], 1, 0],
    ['connection errors beside a failure', [3, 1, 3], 0, 0],
    ['connection errors beside a failure, gate 1', [3, 1, 3], 1, 1],
    ['every run timed out', [5, 5], 0.5, 1],
    ['every run interrupted', [130, 130], 0.5, 130],
    ['interrupted beside auth and connection errors', [3, 130, 4], 0.5, 130],
    ['no runs at all', [], 0, 3],
  ])('%s -> exit %d', (_name, codes, minPassRate, exitCode) => {
    const agg = aggregateRuns(runsWithExitCodes(codes), {
      minPassRate,
      durationMs: 1000,
      target,
      requiredEvents: REQUIRED_EVENTS,
    });
    expect(agg.exitCode).toBe(exitCode);
    expect(agg.verdict).toBe(exitCode === 0 ? 'pass' : exitCode === 1 ? 'fail' : 'error');
  });

  it('computes the pass rate over judged runs, the untestable ones beside it', () => {
    const agg = aggregateRuns(runsWithExitCodes([0, 0, 0, 1, 3, 4, 4]), {
      minPassRate: 0.5,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 2000,
      target,
    });
    expect(agg.aggregate).toMatchObject({
      total: 7,
      notStarted: 0,
      judged: 4,
      passed: 3,
      failed: 1,
      untestable: 3,
      untestableCodes: { EXIT_3: 1, EXIT_4: 2 },
      passRate: 0.75,
    });
    expect(agg.aggregate.sessionsPerSecond).toBe(3.5);
  });

  it('is interrupted (130, error) whatever the gate says, and counts the runs never started', () => {
    const agg = aggregateRuns(runsWithExitCodes([0, 0, 130]), {
      minPassRate: 0.5,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 1000,
      target,
      interrupted: true,
      notStarted: 7,
    });
    expect([agg.exitCode, agg.verdict]).toEqual([130, 'error']);
    expect(agg.aggregate).toMatchObject({ total: 3, notStarted: 7, judged: 2, passed: 2 });
  });

  it('compares the gate exactly: 123 of 125 runs reach --min-pass-rate 98.4%', () => {
    const agg = aggregateRuns(runsWithExitCodes([...Array<number>(123).fill(0), 1, 1]), {
      minPassRate: parseRate('98.4%', '--min-pass-rate'),
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 1000,
      target,
    });
    expect(agg.exitCode).toBe(0);
    expect(renderAggregateVerdictLine(agg, plain)).toMatch(
      /^PASS {2}123\/125 runs passed \(98\.4% ≥ 98\.4%\)/,
    );
  });

  it('rounds sessions per second to two decimals', () => {
    const agg = aggregateRuns(runsWithExitCodes([0, 0]), {
      minPassRate: 1,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 3000,
      target,
    });
    expect(agg.aggregate.sessionsPerSecond).toBe(0.67);
  });
});

describe('summariseRun', () => {
  it('lists the problems of a failing run without run ids', () => {
    const s = summariseRun(loadReport('fail'), 3, {
      connectMs: 85,
      firstEventMs: 412,
      completedMs: null,
    });
    expect(s.index).toBe(3);
    expect(s.verdict).toBe('fail');
    expect(s.trigger.run_id).toBe('run-0002');
    expect(s.events).toEqual({
      agent_started: 'pass',
      agent_thinking: 'pass',
      tool_executing: 'fail',
      tool_completed: 'pass',
      agent_completed: 'missing',
    });
    expect(s.failures).toEqual([
      'tool_executing: `data.tool_args` missing; frame has `data.parameters` (expected object, actual missing)',
      'tool_executing: `correlation_id` missing',
      'agent_completed missing',
      'rule presence: agent_completed never arrived',
      'shape_drift: tool_executing carries tool_name at the top and details under data.parameters (agent bridge shape)',
      'duplicate_event: agent_started arrived 2 times for one run',
    ]);
    for (const failure of s.failures) expect(failure).not.toContain('run-0002');
  });

  it('reduces a run error to the error and its diagnoses, not five missing events', () => {
    const s = summariseRun(loadReport('auth-error'), 1, noLatency);
    expect(s.exitCode).toBe(4);
    expect(s.failures).toEqual([
      'AUTH_FAILED: auth rejected',
      'auth_failed: the upgrade succeeded (101) but the server sent error_message AUTH_FAILED and closed with 1008',
    ]);
  });

  it('has no failures for a passing run', () => {
    const s = summariseRun(loadReport('pass'), 1, noLatency);
    expect(s.failures).toEqual([]);
    expect(s.events).toEqual(allEvents('pass'));
  });
});

describe('aggregateRuns', () => {
  it('counts a failure once per run and ranks by count, then by text', () => {
    const agg = aggregateRuns(
      [
        summary(1, 1, ['b', 'b', 'a']),
        summary(2, 1, ['b', 'c']),
        summary(3, 1, ['d', 'e', 'f', 'g']),
      ],
      { minPassRate: 1, requiredEvents: REQUIRED_EVENTS, durationMs: 3000, target },
    );
    expect(agg.aggregate.topFailures).toEqual([
      { message: 'b', count: 2 },
      { message: 'a', count: 1 },
      { message: 'c', count: 1 },
      { message: 'd', count: 1 },
      { message: 'e', count: 1 },
    ]);
  });
});

describe('aggregate of five runs', () => {
  const pass = loadReport('pass');
  const fail = loadReport('fail');
  const summaries = [
    summariseRun(pass, 1, { connectMs: 80, firstEventMs: 412, completedMs: 1203 }),
    summariseRun(pass, 2, { connectMs: 90, firstEventMs: 500, completedMs: 1500 }),
    summariseRun(fail, 3, { connectMs: 85, firstEventMs: 412, completedMs: null }),
    summariseRun(fail, 4, { connectMs: 100, firstEventMs: 450, completedMs: null }),
    summariseRun(loadReport('auth-error'), 5, noLatency),
  ];
  const agg = aggregateRuns(summaries, {
    minPassRate: 0.75,
    requiredEvents: REQUIRED_EVENTS,
    durationMs: 10_000,
    target,
  });

  it('counts passes per event and takes latency percentiles over the runs that measured them', () => {
    expect(agg.aggregate.perEvent).toEqual({
      agent_started: 4,
      agent_thinking: 4,
      tool_executing: 2,
      tool_completed: 4,
      agent_completed: 2,
    });
    expect(agg.aggregate.latency).toEqual({
      connect: { p50: 85, p95: 100, max: 100 },
      firstEvent: { p50: 412, p95: 500, max: 500 },
      completed: { p50: 1203, p95: 1500, max: 1500 },
    });
    expect(agg.aggregate.passRate).toBe(0.5);
    expect(agg.aggregate.untestableCodes).toEqual({ AUTH_FAILED: 1 });
    expect(agg.exitCode).toBe(1);
  });

  it('renders the terminal summary', () => {
    expect(renderAggregateHuman(agg, { chalk: plain })).toBe(
      [
        'ws-validate · env staging · wss://api.staging.netrasystems.ai/ws · 5 runs',
        'passed 2/4 judged (50.0%) · required 75.0% · 1 not judged (1× AUTH_FAILED)',
        '',
        'events',
        '  agent_started    4/4',
        '  agent_thinking   4/4',
        '  tool_executing   2/4',
        '  tool_completed   4/4',
        '  agent_completed  2/4',
        '',
        'top failures',
        '  2×  agent_completed missing',
        '  2×  duplicate_event: agent_started arrived 2 times for one run',
        '  2×  rule presence: agent_completed never arrived',
        '  2×  shape_drift: tool_executing carries tool_name at the top and details under data.parameters (agent bridge shape)',
        '  2×  tool_executing: `correlation_id` missing',
        '',
        'latency        p50     p95     max',
        '  connect      85ms    100ms   100ms',
        '  first event  412ms   500ms   500ms',
        '  completed    1.2s    1.5s    1.5s',
        '',
        'throughput 0.50 sessions/s · 10.0s',
        '',
        'FAIL  2/4 judged runs passed (50.0% < 75.0%) · 1 not judged (1× AUTH_FAILED) · 10.0s · exit 1',
        '',
      ].join('\n'),
    );
  });

  it('has ANSI only when the chalk instance has colours', () => {
    expect(renderAggregateHuman(agg, { chalk: plain })).not.toContain('\u001b[');
    expect(renderAggregateHuman(agg, { chalk: new Chalk({ level: 1 }) })).toContain('\u001b[');
  });

  it('renders pass and error verdict lines', () => {
    const passing = aggregateRuns(summaries, {
      minPassRate: 0.5,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 10_000,
      target,
    });
    expect(renderAggregateVerdictLine(passing, plain)).toBe(
      'PASS  2/4 judged runs passed (50.0% ≥ 50.0%) · 1 not judged (1× AUTH_FAILED) · 10.0s',
    );
    const errored = aggregateRuns(runsWithExitCodes([4, 4]), {
      minPassRate: 1,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 500,
      target,
    });
    expect(renderAggregateVerdictLine(errored, plain)).toBe(
      'ERROR  2/2 runs could not be judged (2× EXIT_4) · exit 4',
    );
  });

  it('renders JSON with the fixed top-level order and a trailing newline', () => {
    const out = renderAggregateJson(agg);
    expect(out.endsWith('}\n')).toBe(true);
    const parsed = JSON.parse(out) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual([
      'schemaVersion',
      'verdict',
      'exitCode',
      'target',
      'runs',
      'aggregate',
    ]);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(agg)));
  });
});

describe('cross-talk and diagnoses in the aggregate', () => {
  const leakLine = (thread: string, frame: number): string =>
    `cross_talk: 1 event of other live runs of this process arrived on this connection (first: agent_thinking at frame #${frame} with thread_id \`${thread}\`)`;
  const victimA = {
    ...summary(1, 1, [leakLine('fdbd2165-53c0-40c1-ad12-3e824accc767', 4)]),
    diagnoses: ['cross_talk' as const],
  };
  const victimB = {
    ...summary(2, 1, [leakLine('52bc6956-aeb6-4c56-9065-289795756fa5', 5)]),
    diagnoses: ['cross_talk' as const, 'foreign_events' as const],
  };
  const agg = aggregateRuns([victimA, victimB, summary(3, 0), summary(4, 0)], {
    minPassRate: 1,
    requiredEvents: REQUIRED_EVENTS,
    durationMs: 1000,
    target,
  });

  it('counts in how many runs each diagnosis was made', () => {
    expect(agg.aggregate.diagnoses).toEqual({ foreign_events: 1, cross_talk: 2 });
    expect(agg.exitCode).toBe(1);
  });

  it('groups equal problems whose ids and frame numbers differ', () => {
    expect(agg.aggregate.topFailures).toEqual([
      {
        message:
          'cross_talk: 1 event of other live runs of this process arrived on this connection (first: agent_thinking at frame #… with thread_id `<id>`)',
        count: 2,
      },
    ]);
    // Each run keeps its own ids.
    expect(agg.runs[0]?.failures[0]).toContain('fdbd2165-53c0-40c1-ad12-3e824accc767');
  });

  it('says how many runs saw cross-talk in the terminal summary', () => {
    expect(renderAggregateHuman(agg, { chalk: plain })).toContain(
      "cross-talk in 2/4 runs: events of one run arrived on another run's connection",
    );
    const clean = aggregateRuns([summary(1, 0)], {
      minPassRate: 1,
      requiredEvents: REQUIRED_EVENTS,
      durationMs: 1,
      target,
    });
    expect(renderAggregateHuman(clean, { chalk: plain })).not.toContain('cross-talk');
  });

  it.each([
    ['run_0b5e7f4c-3c1e-4c7b-9d1a-2f6e8a9b0c1d_1 at frame #12', 'run_<id>_1 at frame #…'],
    ['no ids here #3', 'no ids here #3'],
  ])('normaliseFailure(%j) -> %j', (input, output) => {
    expect(normaliseFailure(input)).toBe(output);
  });
});

describe('renderAggregateJunit', () => {
  const thinkingMissing = {
    ...summary(2, 1, ['agent_thinking missing']),
    events: { ...allEvents('pass'), agent_thinking: 'missing' as const },
  };
  const authError = summary(3, 4, ['AUTH_FAILED: <rejected> & "closed"']);
  const options = { requiredEvents: REQUIRED_EVENTS, durationMs: 1500, target };
  const failedGate = renderAggregateJunit(
    aggregateRuns([summary(1, 0), thinkingMissing, authError], { ...options, minPassRate: 1 }),
  );

  /** The count attributes of each element named `element`, in document order. */
  function counts(xml: string, element: string): Record<string, number>[] {
    return [...xml.matchAll(new RegExp(`<${element} ([^>]*)>`, 'g'))].map((m) =>
      Object.fromEntries(
        [...(m[1] ?? '').matchAll(/(tests|failures|errors|skipped)="(\d+)"/g)].map((a) => [
          a[1] ?? '',
          Number(a[2]),
        ]),
      ),
    );
  }

  /** What each testsuite holds, counted from its elements. */
  function held(xml: string): Record<string, number>[] {
    return xml
      .split('<testsuite ')
      .slice(1)
      .map((suite) => ({
        tests: suite.match(/<testcase /g)?.length ?? 0,
        failures: suite.match(/<failure /g)?.length ?? 0,
        errors: suite.match(/<error /g)?.length ?? 0,
        skipped: suite.match(/<skipped /g)?.length ?? 0,
      }));
  }

  it('writes a gate testsuite, then one testsuite per run with its ids', () => {
    expect(failedGate.match(/<testsuite /g)).toHaveLength(4);
    expect(failedGate).toContain(
      '<testsuite name="ws-validate staging gate" tests="1" failures="1" errors="0" skipped="0"',
    );
    expect(failedGate).toContain(
      '<testcase classname="ws-validate.batch" name="pass rate">\n      <failure message="1/2 judged runs passed (50.0% &lt; 100.0%); 1 not judged (1× EXIT_4)" type="gate">',
    );
    expect(failedGate).toContain('<property name="thread_id" value="t-2"/>');
    expect(failedGate).toContain('<property name="exit_code" value="1"/>');
  });

  it('counts at every level the sums of what it holds', () => {
    const suites = held(failedGate);
    expect(counts(failedGate, 'testsuite')).toEqual(suites);
    expect(suites).toEqual([
      { tests: 1, failures: 1, errors: 0, skipped: 0 },
      { tests: 6, failures: 0, errors: 0, skipped: 0 },
      { tests: 6, failures: 2, errors: 0, skipped: 0 },
      { tests: 6, failures: 0, errors: 1, skipped: 5 },
    ]);
    expect(counts(failedGate, 'testsuites')).toEqual([{ tests: 19, failures: 3, errors: 1 }]);
  });

  it('fails the missing event of a failed run and skips the events of an errored one', () => {
    expect(failedGate).toContain(
      '<testcase classname="ws-validate.events" name="agent_thinking">\n      <failure message="agent_thinking missing" type="missing">',
    );
    expect(failedGate).toContain(
      '<error message="exit 4" type="exit">AUTH_FAILED: &lt;rejected&gt; &amp; &quot;closed&quot;</error>',
    );
  });

  it('holds no failure and no error when the gate passed: tolerated failures are skipped with the reason', () => {
    const agg = aggregateRuns([summary(1, 0), thinkingMissing, authError], {
      ...options,
      minPassRate: 0.5,
    });
    expect(agg.exitCode).toBe(0);
    const xml = renderAggregateJunit(agg);
    expect(xml).not.toContain('<failure');
    expect(xml).not.toContain('<error');
    expect(counts(xml, 'testsuites')).toEqual([{ tests: 19, failures: 0, errors: 0 }]);
    expect(counts(xml, 'testsuite')).toEqual(held(xml));
    expect(xml).toContain(
      '<skipped message="tolerated: the batch passed its gate (--min-pass-rate 0.5): agent_thinking missing" type="missing">agent_thinking missing</skipped>',
    );
    expect(xml).toContain('<skipped message="not judged: exit 4" type="exit">');
    expect(xml).toContain('<property name="tolerated_failures" value="1"/>');
    expect(xml).toMatch(/<testcase classname="ws-validate.batch" name="pass rate"\/>/);
  });

  it('makes the gate an error when no run was judged', () => {
    const agg = aggregateRuns([summary(1, 3), authError], { ...options, minPassRate: 1 });
    expect(agg.exitCode).toBe(4);
    const xml = renderAggregateJunit(agg);
    expect(xml).toContain(
      '<error message="no run was judged; 2 not judged (1× EXIT_3, 1× EXIT_4)" type="NOT_JUDGED">',
    );
    expect(xml).not.toContain('<failure');
    expect(counts(xml, 'testsuites')).toEqual([{ tests: 13, failures: 0, errors: 3 }]);
  });
});

describe('renderAggregateMarkdown and renderAggregateAnnotations', () => {
  const failing = aggregateRuns(
    [
      summary(1, 0),
      summary(2, 1, ['agent_thinking missing']),
      summary(3, 1, ['agent_thinking missing | x']),
    ],
    { minPassRate: 0.9, requiredEvents: REQUIRED_EVENTS, durationMs: 3000, target },
  );
  const passing = aggregateRuns([summary(1, 0), summary(2, 0)], {
    minPassRate: 1,
    requiredEvents: REQUIRED_EVENTS,
    durationMs: 2000,
    target,
  });

  it('gives the pass rate against the gate, an events table and the failures, cells escaped', () => {
    const md = renderAggregateMarkdown(failing);
    expect(md).toMatch(/^## ❌ ws-validate: FAIL \(staging, 3 runs\)$/m);
    expect(md).toContain('1/3 runs passed (33.3%; required 90.0%)');
    expect(md).toContain('| `agent_thinking` | 1/3 |');
    expect(md).toContain('| latency | p50 | p95 | max |');
    expect(md).toContain('- 1× agent_thinking missing \\| x');
  });

  it('annotates a failed gate once, and a passed one not at all', () => {
    const lines = renderAggregateAnnotations(failing);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^::error title=ws-validate%3A pass rate::1\/3 runs passed \(33\.3%25 < 90\.0%25\)%0A1× agent_thinking missing%0A/,
    );
    expect(renderAggregateAnnotations(passing)).toEqual([]);
  });
});
