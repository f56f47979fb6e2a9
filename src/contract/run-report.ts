import type { CloseInfo, RunError } from './frames.js';
import type { Judgement, TriggerInfo } from './types.js';

/** One connection attempt (several with --retries). */
export interface Attempt {
  attempt: number;
  durationMs: number;
  error?: RunError;
}

/** The report of one run, the document behind every output format (`--json` prints it as is). */
export interface RunReport extends Judgement {
  schemaVersion: 1;
  verdict: 'pass' | 'fail' | 'error';
  target: { env: string; url: string };
  trigger: TriggerInfo;
  startedAt: string;
  durationMs: number;
  close: CloseInfo | null;
  attempts: Attempt[];
}

/** Latencies of one run in milliseconds: connect, trigger to first agent event, trigger to agent_completed; null when the moment never came. */
export interface RunLatencies {
  connectMs: number | null;
  firstEventMs: number | null;
  completedMs: number | null;
}
