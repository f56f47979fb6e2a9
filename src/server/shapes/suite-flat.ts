import { toEpochSeconds } from '../messages.js';
import {
  elapsedMs,
  FINAL_RESPONSE,
  THINKING_TEXT,
  TOOL_NAME,
  TOOL_RESULTS,
  type EventBuilders,
  type RunContext,
} from './data-helper.js';

/**
 * What the backend's mission-critical suite asserts (docs/protocol.md section 6, item 5): every field
 * flat at the top, epoch timestamps, the thread id of the server's own choosing on agent_started
 * only, `results` and `duration` (seconds) on tool_completed.
 */
export function suiteFlatBuilders(run: RunContext): EventBuilders {
  let toolStartMs: number | null = null;
  const at = (type: string, nowMs: number): Record<string, unknown> => ({
    type,
    timestamp: toEpochSeconds(nowMs),
  });
  return {
    agent_started: (nowMs) => ({
      ...at('agent_started', nowMs),
      user_id: run.userId,
      thread_id: `thread_websocket_factory_${Math.round(nowMs)}_${run.newId().slice(0, 8)}`,
    }),
    agent_thinking: (nowMs) => ({ ...at('agent_thinking', nowMs), reasoning: THINKING_TEXT }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...at('tool_executing', nowMs),
        tool_name: TOOL_NAME,
        parameters: {
          user_request_length: run.message.length,
          triage_result_available: true,
          previous_results_count: 1,
        },
      };
    },
    tool_completed: (nowMs) => ({
      ...at('tool_completed', nowMs),
      tool_name: TOOL_NAME,
      results: { ...TOOL_RESULTS },
      duration: elapsedMs(toolStartMs, nowMs) / 1000,
    }),
    agent_completed: (nowMs) => ({
      ...at('agent_completed', nowMs),
      status: 'success',
      final_response: FINAL_RESPONSE,
    }),
  };
}
