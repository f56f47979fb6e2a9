import type { Attribution } from '../attribution.js';
import type { SessionOutcome } from '../frames.js';
import type { EventRole } from '../profile.js';
import type { RuleId, RuleResult } from '../types.js';

/** One run event as the rule trackers see it; the judge reuses one object, so a tracker copies what it keeps. */
export interface RuleEvent {
  type: string;
  /** What the event is to the profile. */
  role: EventRole;
  /** Position of the frame in the session. */
  seq: number;
  /** Milliseconds after the trigger; null when unknown. */
  atMs: number | null;
  attribution: Attribution;
  /** Names the id that makes a foreign event foreign, e.g. run_id `r-9`; null for events of the run. */
  foreignId: string | null;
  /** The parsed frame, for the keys of pairs. */
  frame: unknown;
}

/** What the trackers need to know about the end of the session to give their results. */
export interface RuleContext {
  outcome: SessionOutcome;
  /** Required events that never arrived for this run, in the profile's order. */
  missing: readonly string[];
}

/** One sequence rule, checked frame by frame with constant state per frame. */
export interface RuleTracker {
  readonly id: RuleId;
  /** Takes the next run event (of this run or foreign). */
  observe(event: RuleEvent): void;
  /** True once a violation has been seen that no later frame can undo. */
  violated(): boolean;
  /** The rule's verdict over everything observed. */
  result(context: RuleContext): RuleResult;
}

/** `a`, `a or b`, `a, b or c`: how rule messages name alternatives. */
export function either(types: readonly string[]): string {
  return types.length < 2 ? types.join('') : `${types.slice(0, -1).join(', ')} or ${types.at(-1)}`;
}

/** Frame numbers as rule messages list them: the first few, then an ellipsis. */
export function describeFrames(seqs: readonly number[], total: number): string {
  const shown = seqs.map((seq) => `#${seq}`).join(', ');
  return total > seqs.length ? `${shown}, …` : shown;
}
