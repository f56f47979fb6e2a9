import { beforeAll, describe, expect, it } from 'vitest';
import { SCENARIOS, type ScenarioName } from '../../src/server/index.js';
import { runCli, warmUpCli } from '../helpers/cli.js';

// Wall-time bounds below are about the run, not the first import of the CLI's modules.
beforeAll(() => warmUpCli(), 60_000);

/** What one reference-server scenario must end in under the short budgets below. */
interface Expectation {
  exitCode: number;
  verdict: 'pass' | 'fail' | 'error';
  /** Diagnosis codes, in any order; an empty list means none at all. */
  diagnoses: string[];
  /** `error.code` of the report, or null for a run that was judged. */
  error: string | null;
  /** Upper bound on the wall time of the whole CLI call, in milliseconds. */
  maxMs: number;
}

const FIRST_EVENT_MS = 600;
const TOTAL_MS = 2000;
const BUDGETS = ['--first-event-timeout', `${FIRST_EVENT_MS}ms`, '--timeout', `${TOTAL_MS}ms`];
// Room for starting the embedded server, the grace period and a busy machine.
const MARGIN_MS = 1500;
// A run that finishes well inside its budgets.
const QUICK = TOTAL_MS;
// A run that must end on the first-event budget, not the total one.
const FIRST = FIRST_EVENT_MS + MARGIN_MS;
// A run that must end on the total budget.
const TOTAL = TOTAL_MS + MARGIN_MS;

const pass = (): Expectation => ({
  exitCode: 0,
  verdict: 'pass',
  diagnoses: [],
  error: null,
  maxMs: QUICK,
});
const fail = (diagnoses: string[] = [], maxMs = QUICK): Expectation => ({
  exitCode: 1,
  verdict: 'fail',
  diagnoses,
  error: null,
  maxMs,
});
const error = (exitCode: number, code: string, diagnoses: string[] = []): Expectation => ({
  exitCode,
  verdict: 'error',
  diagnoses,
  error: code,
  maxMs: QUICK,
});
const timeout = (): Expectation => ({
  exitCode: 5,
  verdict: 'fail',
  diagnoses: [],
  error: null,
  maxMs: TOTAL,
});

const MATRIX: Record<ScenarioName, Expectation> = {
  happy: pass(),
  missing_agent_started: fail(),
  missing_agent_thinking: fail(),
  missing_tool_executing: fail(),
  missing_tool_completed: fail(),
  missing_agent_completed: fail(),
  schema_violation: fail(['shape_drift']),
  bridge_shape: fail(['shape_drift']),
  flat_shape: fail(['shape_drift']),
  wrapped: fail(['wrapped_events'], FIRST),
  clobbered_type: fail(['type_clobbered']),
  duplicate_completed: fail(['duplicate_event']),
  out_of_order: fail(),
  unpaired_tool: fail(),
  foreign_run: fail(['foreign_events']),
  stall: timeout(),
  drop: error(3, 'CONNECTION_DROPPED'),
  server_error: error(3, 'SERVER_ERROR'),
  non_json: fail(['invalid_frame']),
  binary: fail(['invalid_frame']),
  oversized: error(3, 'FRAME_TOO_LARGE'),
  http_401: error(4, 'AUTH_FAILED', ['auth_failed']),
  auth_fail: error(4, 'AUTH_FAILED', ['auth_failed']),
  echo: fail(['echo'], FIRST),
  ack_only: fail(['ack_only'], FIRST),
  // Steps 3000 ms apart: agent_started arrives, then the 2 s total runs out first.
  slow_trickle: timeout(),
  agent_error: fail(['server_error']),
  // A single run has no peer to receive another user's frames: nothing to see.
  cross_talk: pass(),
  // agent_started carries a thread id of the server's choosing: another thread, for canonical.
  suite_flat: fail(['foreign_events', 'shape_drift']),
  frontend_shape: fail(['shape_drift']),
  // The trigger goes out on open and, the handshake never having been made, only gets an ack.
  handshake_never: fail(['ack_only'], FIRST),
  // agent_execution is not a message type the test framework's server knows: it comes back as
  // {"type":"echo","original_message":...}, an echo of the trigger.
  test_server: fail(['echo'], FIRST),
  // Two bridge-shaped events, then heartbeats: missing events and shape drift once the total runs out.
  bridge_partial: fail(['shape_drift'], TOTAL),
};

interface ReportShape {
  exitCode: number;
  verdict: string;
  diagnoses: { code: string }[];
  error?: { code: string; message: string };
  rules: { id: string; status: string }[];
  events: { type: string; status: string }[];
}

describe('fault matrix: every reference-server scenario', () => {
  it('covers each scenario of the server exactly once', () => {
    expect(Object.keys(MATRIX).sort()).toEqual(SCENARIOS.map((s) => s.name).sort());
  });

  describe.concurrent.each(Object.entries(MATRIX) as [ScenarioName, Expectation][])(
    '%s',
    (scenario, expected) => {
      it(`exits ${expected.exitCode} (${expected.verdict}) within ${expected.maxMs} ms`, async () => {
        const started = performance.now();
        const result = await runCli([
          '--env',
          'embedded',
          '--scenario',
          scenario,
          '--json',
          ...BUDGETS,
          '--grace',
          '100ms',
        ]);
        const elapsed = performance.now() - started;
        const report = JSON.parse(result.stdout) as ReportShape;

        expect(result.code, result.stderr).toBe(expected.exitCode);
        expect(report.exitCode).toBe(expected.exitCode);
        expect(report.verdict).toBe(expected.verdict);
        expect(report.diagnoses.map((d) => d.code).sort()).toEqual([...expected.diagnoses].sort());
        expect(report.error?.code ?? null).toBe(expected.error);
        if (expected.exitCode === 1) {
          // A contract failure is explained by a failing event, rule or diagnosis, never by nothing.
          const explained =
            report.diagnoses.length > 0 ||
            report.rules.some((r) => r.status === 'fail') ||
            report.events.some((e) => e.status !== 'pass');
          expect(explained).toBe(true);
        }
        if (expected.exitCode === 5) {
          expect(report.events.find((e) => e.type === 'agent_started')?.status).toBe('pass');
          expect(report.rules.find((r) => r.id === 'time_budget')?.status).toBe('fail');
        }
        expect(elapsed).toBeLessThan(expected.maxMs);
      });
    },
  );
});
