import { ExitCode, verdictFor } from '../shared/errors.js';
import type { CloseInfo, RunError, SessionOutcome } from './frames.js';
import {
  REPORT_SCHEMA_VERSION,
  type Attempt,
  type ProfileResult,
  type RunLatencies,
  type RunReport,
} from './run-report.js';
import { skipRules } from './rules.js';
import type { EventResult, Judgement, RuleId, RuleResult, TriggerInfo } from './types.js';

/** What the exit code is decided from. */
export interface ExitFacts {
  outcome: SessionOutcome;
  /** Why authentication failed according to the frames (AUTH_FAILED), or null. */
  authFailure: string | null;
  /** The server closed 1008 over a request sent before its handshake was complete, not over credentials. */
  handshakeRefused?: boolean;
  /** Agent events of this run. */
  agentEvents: number;
  /** agent_completed of this run arrived. */
  completed: boolean;
  /** A violation was seen that no later frame or ending can undo. */
  violation: boolean;
  /** Every required event passed and no rule failed. */
  contractHeld: boolean;
}

/** The exit code, the error behind it, and whether the rules could be judged at all. */
export interface ExitDecision {
  exitCode: number;
  error?: RunError;
  /** False when the run never got far enough to judge; then every rule is skip. */
  judged: boolean;
}

function toRunError(failure: RunError): RunError {
  return failure.hint === undefined
    ? { code: failure.code, message: failure.message }
    : { code: failure.code, message: failure.message, hint: failure.hint };
}

function describeAuthFailure(facts: ExitFacts): string | null {
  const { outcome } = facts;
  if (facts.authFailure !== null) return facts.authFailure;
  if (outcome.failure?.exitCode === ExitCode.Auth) return outcome.failure.message;
  if (outcome.close?.code === 1008 && facts.agentEvents === 0 && facts.handshakeRefused !== true) {
    const reason = outcome.close.reason === '' ? '' : ` (${outcome.close.reason})`;
    return `The server closed the connection with 1008 (policy violation)${reason} before any agent event: it rejected the credentials.`;
  }
  return null;
}

/** Decides the exit code: auth, interrupt, seen violation, connection failure, early close, silence, timeout, then the contract. */
export function decideExit(facts: ExitFacts): ExitDecision {
  const { outcome } = facts;
  const started = facts.agentEvents > 0;
  const auth = describeAuthFailure(facts);
  if (auth !== null) {
    const hint = outcome.failure?.exitCode === ExitCode.Auth ? outcome.failure.hint : undefined;
    return {
      exitCode: ExitCode.Auth,
      error:
        hint === undefined
          ? { code: 'AUTH_FAILED', message: auth }
          : { code: 'AUTH_FAILED', message: auth, hint },
      judged: started,
    };
  }
  if (outcome.reason === 'interrupted' || outcome.failure?.exitCode === ExitCode.Interrupted) {
    return {
      exitCode: ExitCode.Interrupted,
      error: toRunError(outcome.failure ?? { code: 'INTERRUPTED', message: 'interrupted' }),
      judged: started,
    };
  }
  if (facts.violation) return { exitCode: ExitCode.ContractFailed, judged: true };
  // Once agent_completed is in, the verdict stands; a drop during the grace period changes nothing.
  if (!facts.completed) {
    if (outcome.failure !== undefined) {
      return {
        exitCode: outcome.failure.exitCode,
        error: toRunError(outcome.failure),
        judged: started,
      };
    }
    if (outcome.reason === 'dropped' || outcome.reason === 'frame_too_large') {
      const message =
        outcome.reason === 'dropped'
          ? 'The connection dropped (1006) before the run finished.'
          : 'A frame exceeded the maximum frame size before the run finished.';
      return {
        exitCode: ExitCode.Connection,
        error: {
          code: outcome.reason === 'dropped' ? 'CONNECTION_DROPPED' : 'FRAME_TOO_LARGE',
          message,
        },
        judged: started,
      };
    }
    // A clean close before agent_completed, or silence, is judged on the contract: presence fails.
    if (outcome.reason === 'closed' || !started) {
      return { exitCode: ExitCode.ContractFailed, judged: true };
    }
    if (outcome.reason === 'timeout' || outcome.reason === 'first_event_timeout') {
      return { exitCode: ExitCode.Timeout, judged: true };
    }
  }
  return { exitCode: facts.contractHeld ? ExitCode.Pass : ExitCode.ContractFailed, judged: true };
}

/**
 * The rules as a run's report shows them. A run that never started has every rule skipped; one
 * that started and then ended in an error (a drop, an interrupt, an auth failure) skips each rule
 * that failed only on what never arrived, and keeps failed only the violations already seen.
 */
export function settleRules(
  results: readonly RuleResult[],
  decision: ExitDecision,
  violated: readonly RuleId[],
): RuleResult[] {
  const code = decision.error?.code;
  if (!decision.judged) {
    return skipRules(
      code === undefined
        ? 'not judged: the run never got far enough'
        : `not judged: the run ended before any agent event (${code})`,
    );
  }
  if (verdictFor(decision.exitCode) !== 'error') return [...results];
  const reason = `not judged: the run ended in an error (${code ?? `exit ${decision.exitCode}`})`;
  return results.map((rule) =>
    rule.status === 'fail' && !violated.includes(rule.id)
      ? { id: rule.id, status: 'skip', message: `${reason}; so far: ${rule.message}` }
      : rule,
  );
}

/** What a run's report says besides its judgement: where, what was sent, when, and how it ended. */
export interface RunFacts {
  target: RunReport['target'];
  trigger: TriggerInfo;
  /** Wall-clock start, ISO 8601. */
  startedAt: string;
  /** Length of the run in milliseconds; rounded in the report. */
  durationMs: number;
  close: CloseInfo | null;
  /** Connection attempts so far; none when the run was not made live. */
  attempts?: Attempt[];
  /** Warnings about the run that the judge could not know, after the judge's own. */
  warnings?: readonly string[];
}

/** One profile's judgement of a run. */
export interface ProfileJudgement {
  name: string;
  judgement: Judgement;
}

// Exit codes that say how the contract went; any other (connection, auth, interrupt) is the same
// for every profile of a run and says it could not be judged.
const CONTRACT_EXIT_RANK: readonly number[] = [
  ExitCode.ContractFailed,
  ExitCode.Timeout,
  ExitCode.Pass,
];

/** The index of the worst judgement: the first that could not be judged, else 1 over 5 over 0. */
function worstJudgement(judgements: readonly Judgement[]): number {
  const outside = judgements.findIndex((j) => !CONTRACT_EXIT_RANK.includes(j.exitCode));
  if (outside !== -1) return outside;
  for (const code of CONTRACT_EXIT_RANK) {
    const index = judgements.findIndex((j) => j.exitCode === code);
    if (index !== -1) return index;
  }
  return 0;
}

/** Builds the report of one run from each profile's judgement and the run's facts, for live runs and `check` alike. */
export function buildRunReport(judged: readonly ProfileJudgement[], facts: RunFacts): RunReport {
  const [first] = judged;
  if (first === undefined) throw new Error('a run report needs at least one judgement');
  const { judgement } = first;
  const worst = judged[worstJudgement(judged.map((j) => j.judgement))]?.judgement ?? judgement;
  const error = judgement.error ?? worst.error;
  const profiles: ProfileResult[] = judged.map(({ name, judgement: j }) => ({
    name,
    verdict: verdictFor(j.exitCode),
    exitCode: j.exitCode,
    events: wholeMilliseconds(j.events),
    rules: j.rules,
    diagnoses: j.diagnoses,
  }));
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    verdict: verdictFor(worst.exitCode),
    ...judgement,
    events: wholeMilliseconds(judgement.events),
    exitCode: worst.exitCode,
    ...(error === undefined ? {} : { error }),
    warnings: [...judgement.warnings, ...(facts.warnings ?? [])],
    target: facts.target,
    trigger: facts.trigger,
    startedAt: facts.startedAt,
    durationMs: Math.round(facts.durationMs),
    close: facts.close,
    attempts: facts.attempts ?? [],
    profiles,
  };
}

// A report's times are whole milliseconds, even those read from a recording written by hand.
function wholeMilliseconds(events: readonly EventResult[]): EventResult[] {
  return events.map((e) =>
    e.firstAtMs === null || Number.isInteger(e.firstAtMs)
      ? e
      : { ...e, firstAtMs: Math.round(e.firstAtMs) },
  );
}

/** Reads a run's latencies from its report, in whole milliseconds: the connect, the first run event of any type, and the first of the `terminal` events. */
export function readLatencies(
  report: RunReport,
  connectMs: number | null,
  terminal: readonly string[],
): RunLatencies {
  const earliest = (events: RunReport['events']): number | null => {
    const times = events.map((e) => e.firstAtMs).filter((t): t is number => t !== null);
    return times.length > 0 ? Math.min(...times) : null;
  };
  // Whole milliseconds: a clock's fractions are noise in a report.
  const whole = (ms: number | null): number | null => (ms === null ? null : Math.round(ms));
  return {
    connectMs: whole(connectMs),
    firstEventMs: whole(earliest(report.events)),
    completedMs: whole(earliest(report.events.filter((e) => terminal.includes(e.type)))),
  };
}

/** The error that kept a run from being judged: `report.error`, or a stand-in for an error verdict without one. */
export function runErrorOf(report: RunReport): RunError | undefined {
  if (report.error !== undefined) return report.error;
  if (report.verdict !== 'error') return undefined;
  return { code: `EXIT_${report.exitCode}`, message: 'run could not be judged' };
}

/** True for a missing event in a run that could not be judged, where absence says nothing about the contract. */
export function isUnjudgedEvent(report: RunReport, event: EventResult): boolean {
  return report.verdict === 'error' && event.status === 'missing';
}
