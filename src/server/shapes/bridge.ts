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

/** The agent bridge's frames for one run: ids and tool results at the top, details under `data`, no thread_id or correlation_id. */
export function bridgeBuilders(run: RunContext): EventBuilders {
  let runStartMs: number | null = null;
  let toolStartMs: number | null = null;
  const top = (type: string, nowMs: number): Record<string, unknown> => ({
    type,
    run_id: run.runId,
    user_id: run.userId,
    agent_name: AGENT_NAME,
    timestamp: new Date(nowMs).toISOString(),
  });
  const parameters = {
    user_request_length: run.message.length,
    triage_result_available: true,
    previous_results_count: 1,
  };
  return {
    agent_started: (nowMs) => {
      runStartMs = nowMs;
      return {
        ...top('agent_started', nowMs),
        data: {
          status: 'started',
          context: {},
          message: 'supervisor has started processing your request',
        },
      };
    },
    agent_thinking: (nowMs) => ({
      ...top('agent_thinking', nowMs),
      data: {
        reasoning: THINKING_TEXT,
        step_number: null,
        progress_percentage: null,
        status: 'thinking',
      },
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...top('tool_executing', nowMs),
        tool_name: TOOL_NAME,
        data: {
          parameters,
          status: 'executing',
          message: `${AGENT_NAME} is using ${TOOL_NAME}`,
        },
      };
    },
    tool_completed: (nowMs) => ({
      ...top('tool_completed', nowMs),
      tool_name: TOOL_NAME,
      results: { ...TOOL_RESULTS },
      data: {
        result: { ...TOOL_RESULTS },
        execution_time_ms: elapsedMs(toolStartMs, nowMs),
        status: 'completed',
      },
    }),
    agent_completed: (nowMs) => ({
      ...top('agent_completed', nowMs),
      data: {
        status: 'completed',
        result: { report: FINAL_RESPONSE },
        execution_time_ms: elapsedMs(runStartMs, nowMs),
      },
    }),
  };
}
