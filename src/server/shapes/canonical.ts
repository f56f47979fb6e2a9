import {
  AGENT_NAME,
  elapsedMs,
  FINAL_RESPONSE,
  THINKING_TEXT,
  TOOL_NAME,
  TOOL_RESULTS,
  type EventBuilders,
  type RunContext,
} from './data-helper.js';

/** Canonical builders for one run; tool_completed reports the time since tool_executing was built. */
export function canonicalBuilders(run: RunContext): EventBuilders & { correlationId: string } {
  const correlationId = `corr_${run.newId()}`;
  let toolStartMs: number | null = null;
  const envelope = (type: string, nowMs: number): Record<string, unknown> => ({
    type,
    timestamp: new Date(nowMs).toISOString(),
    run_id: run.runId,
    thread_id: run.threadId,
  });
  return {
    correlationId,
    agent_started: (nowMs) => ({
      ...envelope('agent_started', nowMs),
      data: { agent_name: AGENT_NAME, status: 'started' },
    }),
    agent_thinking: (nowMs) => ({
      ...envelope('agent_thinking', nowMs),
      data: { reasoning: THINKING_TEXT },
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...envelope('tool_executing', nowMs),
        correlation_id: correlationId,
        data: { tool_name: TOOL_NAME, tool_args: { user_request_length: run.message.length } },
      };
    },
    tool_completed: (nowMs) => ({
      ...envelope('tool_completed', nowMs),
      correlation_id: correlationId,
      data: {
        tool_name: TOOL_NAME,
        results: { ...TOOL_RESULTS },
        execution_time: elapsedMs(toolStartMs, nowMs),
      },
    }),
    agent_completed: (nowMs) => ({
      ...envelope('agent_completed', nowMs),
      data: { status: 'completed', final_response: FINAL_RESPONSE },
    }),
  };
}

/** The agent_error frame of docs/protocol.md section 7 for this run. */
export function buildAgentError(run: RunContext, errorMessage: string, nowMs: number) {
  return {
    type: 'agent_error',
    run_id: run.runId,
    thread_id: run.threadId,
    agent_name: AGENT_NAME,
    timestamp: new Date(nowMs).toISOString(),
    data: {
      status: 'error',
      error_message: errorMessage,
      error_context: {},
      message: `${AGENT_NAME} encountered an issue processing your request`,
    },
  };
}
