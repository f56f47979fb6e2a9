// AG-UI 1.0 events (https://docs.ag-ui.com, the `@ag-ui/core` package), as the server sends them:
// the event's fields with `type` first and `timestamp` in epoch milliseconds.

/** Builds one AG-UI event of `type` at `nowMs`. */
export function agUiEvent(
  type: AgUiEventType,
  fields: Record<string, unknown>,
  nowMs: number,
): Record<string, unknown> {
  return { type, ...fields, timestamp: Math.floor(nowMs) };
}

/** The AG-UI event types the server sends. */
export type AgUiEventType =
  | 'RUN_STARTED'
  | 'RUN_FINISHED'
  | 'RUN_ERROR'
  | 'STEP_STARTED'
  | 'STEP_FINISHED'
  | 'TEXT_MESSAGE_START'
  | 'TEXT_MESSAGE_CONTENT'
  | 'TEXT_MESSAGE_END'
  | 'TOOL_CALL_START'
  | 'TOOL_CALL_ARGS'
  | 'TOOL_CALL_END'
  | 'TOOL_CALL_RESULT';
