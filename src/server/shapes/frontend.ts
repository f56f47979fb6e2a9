import { toEpochSeconds } from '../messages.js';
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

/**
 * What the web client reads (docs/protocol.md section 6, item 5): type, a run_id of the server's own
 * choosing, agent_name and a timestamp (ISO first, then epoch) at the top, details under `payload`.
 */
export function frontendBuilders(run: RunContext): EventBuilders {
  let runId: string | null = null;
  let runStartMs: number | null = null;
  let toolStartMs: number | null = null;
  const top = (type: string, timestamp: string | number): Record<string, unknown> => ({
    type,
    run_id: (runId ??= `run_websocket_factory_${run.newId()}`),
    agent_name: AGENT_NAME,
    timestamp,
  });
  return {
    agent_started: (nowMs) => {
      runStartMs = nowMs;
      return {
        ...top('agent_started', new Date(nowMs).toISOString()),
        payload: {
          status: 'started',
          message: `${AGENT_NAME} has started processing your request`,
        },
      };
    },
    agent_thinking: (nowMs) => ({
      ...top('agent_thinking', toEpochSeconds(nowMs)),
      payload: {
        reasoning: THINKING_TEXT,
        step_number: 1,
        total_steps: 3,
        progress_percentage: 10,
      },
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...top('tool_executing', toEpochSeconds(nowMs)),
        payload: {
          tool_name: TOOL_NAME,
          parameters: { user_request_length: run.message.length, previous_results_count: 1 },
        },
      };
    },
    tool_completed: (nowMs) => ({
      ...top('tool_completed', toEpochSeconds(nowMs)),
      payload: {
        tool_name: TOOL_NAME,
        result: { ...TOOL_RESULTS },
        execution_time_ms: elapsedMs(toolStartMs, nowMs),
      },
    }),
    agent_completed: (nowMs) => ({
      ...top('agent_completed', toEpochSeconds(nowMs)),
      payload: {
        result: { report: FINAL_RESPONSE },
        execution_time_ms: elapsedMs(runStartMs, nowMs),
        metrics: {},
        message: `${AGENT_NAME} has completed processing your request`,
      },
    }),
  };
}
