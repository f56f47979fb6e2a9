// What the judge is given: the frames of a session as recorded, and how the session ended.

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
  /** Set on a text message whose bytes were not UTF-8; `text` shows the bad bytes as U+FFFD. */
  notUtf8?: true;
  /** Size of the message on the wire in bytes. */
  size: number;
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

/** What the session needs to know about a frame as it arrives. */
export interface FrameVerdict {
  /** An agent event of this run (starts the run, satisfies the first-event budget). */
  agentEvent: boolean;
  /** A frame after which the run ends once the grace period has passed. */
  terminal: boolean;
}

/** A run that could not be judged (or only partly), with the typed error behind it. */
export interface RunError {
  code: string;
  message: string;
  hint?: string;
}
