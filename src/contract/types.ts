/** The five events every run of the agent must emit, in their canonical order. */
export const REQUIRED_EVENTS = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
] as const;

export type RequiredEvent = (typeof REQUIRED_EVENTS)[number];

/** True when `type` names one of the five required agent events. */
export function isRequiredEvent(type: unknown): type is RequiredEvent {
  return typeof type === 'string' && (REQUIRED_EVENTS as readonly string[]).includes(type);
}

/** One WebSocket message as recorded the moment it was sent or received. */
export interface FrameRecord {
  /** 1-based position among all frames of the session, both directions. */
  seq: number;
  dir: 'in' | 'out';
  /** Milliseconds since the trigger was sent; null when unknown (a plain NDJSON file). */
  atMs: number | null;
  /** `json`: text that parsed as JSON; `text`: text that did not; `binary`: a binary message. */
  kind: 'json' | 'text' | 'binary';
  /** The parsed value when kind is `json`; the bytes (a Buffer) when kind is `binary`. */
  data?: unknown;
  /** The raw text when kind is `text` (may be truncated for display). */
  text?: string;
  /** Size of the message on the wire in bytes. */
  size: number;
}

/** The ids that scope one run, as sent in the trigger. */
export interface TriggerInfo {
  /** Message type of the trigger, e.g. `agent_execution`. */
  type: string;
  thread_id: string;
  run_id: string;
  user_id?: string;
}

/** Why a live session (or a replayed recording) ended. */
export type SessionEndReason =
  /** The grace period after a terminal frame (agent_completed, agent_error, error_message) ran out. */
  | 'terminal'
  /** The server sent a close frame. */
  | 'closed'
  /** The connection dropped without a close frame (1006). */
  | 'dropped'
  /** No agent event arrived within the first-event budget. */
  | 'first_event_timeout'
  /** The total budget ran out. */
  | 'timeout'
  /** A frame exceeded --max-frame-size. */
  | 'frame_too_large'
  /** SIGINT or SIGTERM. */
  | 'interrupted'
  /** A recording ended (check). */
  | 'end_of_recording';

export interface CloseInfo {
  code: number;
  reason: string;
}

/** How a session ended, as the judge needs to know it. */
export interface SessionOutcome {
  reason: SessionEndReason;
  close: CloseInfo | null;
  /** Milliseconds from trigger to end; null when unknown. */
  durationMs: number | null;
  /** Set when the session failed for a reason outside the contract (connection, auth, signal). */
  failure?: RunError & { exitCode: number };
}

/** The time budgets of a run, in milliseconds, already capped by the total. */
export interface Budgets {
  connectMs: number;
  firstEventMs: number;
  totalMs: number;
  graceMs: number;
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

/** The result of checking one frame against the schema for its `type`. */
export interface FrameCheck {
  /** Name of the schema used (the event type), or null when no schema covers this frame. */
  schema: string | null;
  errors: FieldError[];
}

/** Validates frames against the compiled contract schemas. */
export interface FrameChecker {
  /** Checks one parsed frame against the schema for its `type`. */
  check(frame: unknown): FrameCheck;
  /** Names of every loaded schema that covers a message type (e.g. `agent_started`). */
  readonly schemaNames: readonly string[];
}

/** What the session needs to know about a frame as it arrives. */
export interface FrameVerdict {
  /** An agent event of this run (starts the run, satisfies the first-event budget). */
  agentEvent: boolean;
  /** A frame after which the run ends once the grace period has passed. */
  terminal: boolean;
}

export type EventStatus = 'pass' | 'fail' | 'missing';

/** The verdict for one required event. */
export interface EventResult {
  type: RequiredEvent;
  status: EventStatus;
  /** How many frames of this type belonged to the run. */
  count: number;
  /** Milliseconds after the trigger when it was first seen; null when missing or unknown. */
  firstAtMs: number | null;
  errors: FieldError[];
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

/** A recognised failure pattern with a sentence a person can act on. */
export interface Diagnosis {
  code: DiagnosisCode;
  message: string;
}

/** A run that could not be judged (or only partly), with the typed error behind it. */
export interface RunError {
  code: string;
  message: string;
  hint?: string;
}

/** One connection attempt (several with --retries). */
export interface Attempt {
  attempt: number;
  durationMs: number;
  error?: RunError;
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
  /** Set when the judge itself decides the run could not be tested (e.g. auth rejected by frame). */
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
