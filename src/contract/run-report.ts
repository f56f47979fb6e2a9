import type { CloseInfo, RunError } from './frames.js';
import type { Diagnosis, EventResult, Judgement, RuleResult, TriggerInfo } from './types.js';

/** The version of the JSON report (run and aggregate alike), `schemaVersion` in every report. */
export const REPORT_SCHEMA_VERSION = 2;

/** One connection attempt (several with --retries). */
export interface Attempt {
  attempt: number;
  durationMs: number;
  error?: RunError;
}

/** How one profile judged the run, as `profiles[]` of the report lists it. */
export interface ProfileResult {
  name: string;
  verdict: 'pass' | 'fail' | 'error';
  exitCode: number;
  events: EventResult[];
  rules: RuleResult[];
  diagnoses: Diagnosis[];
}

/**
 * The report of one run, the document behind every output format (`--json` prints it as is): the
 * first profile's judgement at the top, with the verdict and exit code of the worst profile.
 */
export interface RunReport extends Judgement {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  verdict: 'pass' | 'fail' | 'error';
  target: { env: string; url: string };
  trigger: TriggerInfo;
  startedAt: string;
  durationMs: number;
  close: CloseInfo | null;
  attempts: Attempt[];
  /** Every profile judged, in the order selected; one entry when one profile is judged. */
  profiles: ProfileResult[];
}

/** Latencies of one run in milliseconds: connect, trigger to first agent event, trigger to agent_completed; null when the moment never came. */
export interface RunLatencies {
  connectMs: number | null;
  firstEventMs: number | null;
  completedMs: number | null;
}
