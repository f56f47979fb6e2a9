import type { Attribution } from '../attribution.js';
import type { SessionOutcome } from '../frames.js';
import type { RequiredEvent, RuleId, RuleResult } from '../types.js';

/** One required-type event as the rule trackers see it. */
export interface RuleEvent {
  type: RequiredEvent;
  /** Position of the frame in the session. */
  seq: number;
  /** Milliseconds after the trigger; null when unknown. */
  atMs: number | null;
  attribution: Attribution;
  threadId: string | null;
  runId: string | null;
  correlationId: string | null;
  toolName: string | null;
}

/** What the trackers need to know about the end of the session to give their results. */
export interface RuleContext {
  outcome: SessionOutcome;
  /** Required events that never arrived for this run, in canonical order. */
  missing: readonly RequiredEvent[];
}

/** One sequence rule, checked frame by frame with constant state per frame. */
export interface RuleTracker {
  readonly id: RuleId;
  /** Takes the next required-type event (of this run or foreign). */
  observe(event: RuleEvent): void;
  /** True once a violation has been seen that no later frame can undo. */
  violated(): boolean;
  /** The rule's verdict over everything observed. */
  result(context: RuleContext): RuleResult;
}
