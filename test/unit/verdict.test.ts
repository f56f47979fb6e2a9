import { describe, expect, it } from 'vitest';
import type { EventResult, Judgement, RuleResult } from '../../src/contract/types.js';
import type { RunReport } from '../../src/contract/run-report.js';
import {
  buildRunReport,
  isUnjudgedEvent,
  readLatencies,
  runErrorOf,
  settleRules,
  type RunFacts,
} from '../../src/contract/verdict.js';

const event = (type: EventResult['type'], firstAtMs: number | null): EventResult => ({
  type,
  status: firstAtMs === null ? 'missing' : 'pass',
  count: firstAtMs === null ? 0 : 1,
  firstAtMs,
  errors: [],
});

function judgement(exitCode: number, extra: Partial<Judgement> = {}): Judgement {
  return {
    exitCode,
    events: [
      event('agent_started', 120),
      event('agent_thinking', 80),
      event('tool_executing', null),
      event('tool_completed', null),
      event('agent_completed', 400),
    ],
    rules: [],
    diagnoses: [],
    warnings: ['from the judge'],
    frames: { received: 4, sent: 1, byType: { agent_started: 1 } },
    coverage: { unvalidatedTypes: [], unusedSchemas: [] },
    ...extra,
  };
}

const facts = {
  target: { env: 'staging', url: 'wss://example.test/ws' },
  trigger: { type: 'agent_execution', thread_id: 't-1', run_id: 'r-1' },
  startedAt: '2025-01-02T03:04:05.000Z',
  durationMs: 1234.6,
  close: { code: 1000, reason: 'done' },
};

/** The report of a run judged by the canonical profile alone. */
function build(source: Judgement, runFacts: RunFacts): RunReport {
  return buildRunReport([{ name: 'canonical', judgement: source }], runFacts);
}

describe('buildRunReport', () => {
  it.each([
    [0, 'pass'],
    [1, 'fail'],
    [5, 'fail'],
    [3, 'error'],
    [4, 'error'],
    [130, 'error'],
  ] as const)('gives exit code %d the verdict %s', (exitCode, verdict) => {
    expect(build(judgement(exitCode), facts).verdict).toBe(verdict);
  });

  it('carries the judgement and the facts, with the duration rounded and no attempts yet', () => {
    const source = judgement(4, { error: { code: 'AUTH_FAILED', message: 'rejected' } });
    expect(build(source, facts)).toEqual({
      schemaVersion: 2,
      verdict: 'error',
      ...source,
      target: facts.target,
      trigger: facts.trigger,
      startedAt: facts.startedAt,
      durationMs: 1235,
      close: facts.close,
      attempts: [],
      profiles: [
        {
          name: 'canonical',
          verdict: 'error',
          exitCode: 4,
          events: source.events,
          rules: source.rules,
          diagnoses: source.diagnoses,
        },
      ],
    });
  });

  it("puts the run's own warnings after the judge's without changing the judgement", () => {
    const source = judgement(1);
    const report = build(source, { ...facts, warnings: ['frame #9 was truncated'] });
    expect(report.warnings).toEqual(['from the judge', 'frame #9 was truncated']);
    expect(source.warnings).toEqual(['from the judge']);
  });

  it('gives first-seen times in whole milliseconds, at the top and in each profile', () => {
    const source = judgement(0, { events: [event('agent_started', 120.6)] });
    const report = build(source, facts);
    expect(report.events[0]?.firstAtMs).toBe(121);
    expect(report.profiles[0]?.events[0]?.firstAtMs).toBe(121);
  });

  it('keeps the attempts it is given', () => {
    const attempts = [{ attempt: 1, durationMs: 10 }];
    expect(build(judgement(0), { ...facts, attempts }).attempts).toBe(attempts);
  });

  it('has no error key when the judgement has none', () => {
    expect('error' in build(judgement(0), facts)).toBe(false);
  });
});

describe('a run judged by several profiles', () => {
  it.each([
    [[0, 0], 0],
    [[0, 1], 1],
    [[5, 0], 5],
    [[5, 1, 0], 1],
    [[1, 3], 3],
    [[0, 4, 1], 4],
  ])('exits with the worst of %o: %i', (codes, expected) => {
    const judged = codes.map((code, i) => ({ name: `p${i}`, judgement: judgement(code) }));
    const report = buildRunReport(judged, facts);
    expect(report.exitCode).toBe(expected);
    expect(report.verdict).toBe(
      expected === 0 ? 'pass' : expected === 3 || expected === 4 ? 'error' : 'fail',
    );
    expect(report.profiles.map((p) => [p.name, p.exitCode])).toEqual(
      codes.map((code, i) => [`p${i}`, code]),
    );
  });

  it("keeps the first profile's judgement at the top, and the error that decided the exit", () => {
    const first = judgement(0, { warnings: ['first'] });
    const second = judgement(3, { error: { code: 'CONNECTION_DROPPED', message: 'dropped' } });
    const report = buildRunReport(
      [
        { name: 'a', judgement: first },
        { name: 'b', judgement: second },
      ],
      facts,
    );
    expect(report.warnings).toEqual(['first']);
    expect(report.events).toEqual(first.events);
    expect(report.error).toEqual({ code: 'CONNECTION_DROPPED', message: 'dropped' });
  });
});

describe('readLatencies', () => {
  it('takes the earliest first-seen time of any event and the time of agent_completed', () => {
    const report = build(judgement(0), facts);
    expect(readLatencies(report, 15, ['agent_completed'])).toEqual({
      connectMs: 15,
      firstEventMs: 80,
      completedMs: 400,
    });
  });

  it('rounds a clock reading to whole milliseconds', () => {
    const report = build(judgement(0), facts);
    expect(readLatencies(report, 26.87164200000001, ['agent_completed']).connectMs).toBe(27);
  });

  it('gives null for moments that never came', () => {
    const none = judgement(3, {
      events: [event('agent_started', null), event('agent_completed', null)],
    });
    expect(readLatencies(build(none, facts), null, ['agent_completed'])).toEqual({
      connectMs: null,
      firstEventMs: null,
      completedMs: null,
    });
  });
});

describe('runErrorOf', () => {
  it("gives the report's own error", () => {
    const error = { code: 'AUTH_FAILED', message: 'rejected', hint: 'check the token' };
    expect(runErrorOf(build(judgement(4, { error }), facts))).toEqual(error);
  });

  it('stands in for an error verdict that carries no error', () => {
    expect(runErrorOf(build(judgement(3), facts))).toEqual({
      code: 'EXIT_3',
      message: 'run could not be judged',
    });
  });

  it('gives nothing for a judged run', () => {
    expect(runErrorOf(build(judgement(1), facts))).toBeUndefined();
  });
});

describe('isUnjudgedEvent', () => {
  it('holds only for a missing event of a run that could not be judged', () => {
    const missing = event('tool_executing', null);
    const passed = event('agent_started', 5);
    expect(isUnjudgedEvent(build(judgement(3), facts), missing)).toBe(true);
    expect(isUnjudgedEvent(build(judgement(3), facts), passed)).toBe(false);
    expect(isUnjudgedEvent(build(judgement(1), facts), missing)).toBe(false);
  });
});

describe('settleRules', () => {
  const results: RuleResult[] = [
    { id: 'presence', status: 'fail', message: 'never arrived for this run: agent_completed' },
    { id: 'order', status: 'pass', message: 'agent_started came first' },
    { id: 'single_terminal', status: 'fail', message: 'agent_completed arrived 2 times' },
    { id: 'tool_pairing', status: 'skip', message: 'no tool events to pair' },
  ];
  const error = { code: 'INTERRUPTED', message: 'interrupted' };

  it('skips what failed on absence in a started run that ended in an error, and keeps a violation seen', () => {
    const settled = settleRules(results, { exitCode: 130, error, judged: true }, [
      'single_terminal',
    ]);
    expect(settled.map((r) => r.status)).toEqual(['skip', 'pass', 'fail', 'skip']);
    expect(settled[0]?.message).toBe(
      'not judged: the run ended in an error (INTERRUPTED); so far: never arrived for this run: agent_completed',
    );
  });

  it('leaves a judged run as it is', () => {
    expect(settleRules(results, { exitCode: 1, judged: true }, [])).toEqual(results);
    expect(settleRules(results, { exitCode: 5, judged: true }, [])).toEqual(results);
  });

  it('skips every rule of a run that never started, naming its error', () => {
    const settled = settleRules(results, { exitCode: 4, error, judged: false }, []);
    expect(settled).toHaveLength(6);
    expect(new Set(settled.map((r) => r.message))).toEqual(
      new Set(['not judged: the run ended before any agent event (INTERRUPTED)']),
    );
  });
});
