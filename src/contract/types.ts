import type { RunError } from './frames.js';

/** The ids that scope one run, as sent in the trigger. */
export interface TriggerInfo {
  /** Message type of the trigger, e.g. `agent_execution`. */
  type: string;
  thread_id: string;
  run_id: string;
  user_id?: string;
}

/** One failed check on a frame: where, what, and what was expected vs found. */
export interface FieldError {
  /** Dotted path in the frame, e.g. `data.tool_args`; empty for the frame itself. */
  path: string;
  /** One sentence a person can act on, e.g. "`data.tool_args` missing; frame has `data.parameters`". */
  message: string;
  expected?: string;
  actual?: string;
}

/** One line for a field error: its message, then expected and actual when known. */
export function describeFieldError(error: FieldError): string {
  const detail = [
    ...(error.expected === undefined ? [] : [`expected ${error.expected}`]),
    ...(error.actual === undefined ? [] : [`actual ${error.actual}`]),
  ];
  return detail.length === 0 ? error.message : `${error.message} (${detail.join(', ')})`;
}

/** The result of checking one frame against the schema for its `type`; shared, never to be changed. */
export interface FrameCheck {
  /** Name of the schema used (the event type), or null when no schema covers this frame. */
  readonly schema: string | null;
  readonly errors: readonly FieldError[];
}

/** Validates frames against the compiled contract schemas. */
export interface FrameChecker {
  /**
   * Checks one parsed frame against the schema for its type, read from the frame unless given.
   * `brief`: the caller only counts the missing fields, so the errors may be those of an earlier
   * frame that failed the same checks at the same places (with that frame's values and hints).
   */
  check(frame: unknown, type?: string | null, brief?: boolean): FrameCheck;
  /** Names of every loaded schema that covers a message type (e.g. `agent_started`). */
  readonly schemaNames: readonly string[];
}

export type EventStatus = 'pass' | 'fail' | 'missing';

/** The verdict for one run event: each required one, then any other run event that arrived. */
export interface EventResult {
  type: string;
  status: EventStatus;
  /** How many frames of this type belonged to the run. */
  count: number;
  /** Milliseconds after the trigger when it was first seen; null when missing or unknown. */
  firstAtMs: number | null;
  errors: FieldError[];
  /** Present (true) for a run event the profile does not require, listed because it arrived. */
  optional?: true;
}

export const RULE_IDS = [
  'presence',
  'order',
  'single_terminal',
  'tool_pairing',
  'run_scope',
  'time_budget',
] as const;
export type RuleId = (typeof RULE_IDS)[number];

export interface RuleResult {
  id: RuleId;
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

export const DIAGNOSIS_CODES = [
  'handshake_required',
  'echo',
  'ack_only',
  'connection_only',
  'wrapped_events',
  'shape_drift',
  'type_clobbered',
  'duplicate_event',
  'foreign_events',
  'server_error',
  'auth_failed',
  'invalid_frame',
  'cross_talk',
] as const;
export type DiagnosisCode = (typeof DIAGNOSIS_CODES)[number];

/** Event types of a run that have the shape of one built-in profile. */
export interface ShapeFamily {
  profile: string;
  events: string[];
}

/** A recognised failure pattern with a sentence a person can act on. */
export interface Diagnosis {
  code: DiagnosisCode;
  message: string;
  /** shape_drift: the built-in profiles whose shape the run's events have (more than one: a mix). */
  shapes?: ShapeFamily[];
}

/** The server's handshake, when it started one (docs/protocol.md section 9). */
export interface HandshakeReport {
  /** The thread_id of its handshake_response. */
  threadId: string;
  /** `adopted`: answered, and the run went on with the server's thread_id; `unanswered`: never acknowledged. */
  status: 'adopted' | 'unanswered';
  /** handshake_complete arrived after the answer. */
  completed: boolean;
}

/** Everything the judge decides about one run. */
export interface Judgement {
  exitCode: number;
  events: EventResult[];
  rules: RuleResult[];
  diagnoses: Diagnosis[];
  warnings: string[];
  frames: { received: number; sent: number; byType: Record<string, number> };
  coverage: { unvalidatedTypes: string[]; unusedSchemas: string[] };
  /** Present when the server started a handshake. */
  handshake?: HandshakeReport;
  /** Set when the judge itself decides the run could not be tested (e.g. auth rejected by frame). */
  error?: RunError;
}

/** Ids an event carries, as far as it carries them. */
export interface CarriedIds {
  thread_id?: string;
  run_id?: string;
  user_id?: string;
}

/** The other runs this process has live at the same time, for cross-talk detection. */
export interface PeerRuns {
  /** True when `ids` belong to a live run of this process other than `own`. */
  isPeer(ids: CarriedIds, own: TriggerInfo): boolean;
}
