// What the DataHelper agent (docs/protocol.md section 7) says in a run, whichever shape family frames it.

/** The agent's name in its frames. */
export const AGENT_NAME = 'data_helper';
/** The one tool the agent calls. */
export const TOOL_NAME = 'data_helper';
/** The agent's reasoning in agent_thinking. */
export const THINKING_TEXT = 'Analyzing user request to identify data gaps...';
/** The agent's answer in agent_completed. */
export const FINAL_RESPONSE =
  'To close the data gaps I need: monthly token usage per model, your current provider invoices, ' +
  'and the latency target of each workload.';
/** What the tool call returns; each frame carries a copy. */
export const TOOL_RESULTS: Readonly<Record<string, unknown>> = {
  success: true,
  data_request_generated: true,
  instructions_count: 412,
  structured_items_count: 3,
};

/** The identity of one run as the flow emits it. */
export interface RunContext {
  threadId: string;
  runId: string;
  userId: string;
  message: string;
  /** The raw text of the trigger frame, for the echo scenario. */
  triggerText: string;
  triggerType: string;
  /** Makes fresh ids (correlation ids, the foreign run's ids). */
  newId: () => string;
}

/** The five events of a run, in the order they are emitted. */
export type EventName =
  'agent_started' | 'agent_thinking' | 'tool_executing' | 'tool_completed' | 'agent_completed';

/** Builds one event frame at `nowMs` (epoch milliseconds). */
export type EventBuilder = (nowMs: number) => Record<string, unknown>;

/** One builder per event: a shape family's frames for one run. */
export type EventBuilders = Record<EventName, EventBuilder>;

/** Milliseconds from `startMs` to `nowMs`; 0 when the start was never built. */
export function elapsedMs(startMs: number | null, nowMs: number): number {
  return startMs === null ? 0 : Math.max(0, nowMs - startMs);
}
