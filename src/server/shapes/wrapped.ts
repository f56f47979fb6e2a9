import { toEpochSeconds } from '../messages.js';
import {
  AGENT_NAME,
  FINAL_RESPONSE,
  THINKING_TEXT,
  TOOL_NAME,
  TOOL_RESULTS,
  type EventBuilders,
  type RunContext,
} from './data-helper.js';

/** Wrapped frames for one run: the event name in `data.event` under an outer type such as `agent_progress`. */
export function wrappedBuilders(run: RunContext): EventBuilders {
  const outer = (type: string, data: Record<string, unknown>, nowMs: number) => ({
    type,
    data,
    timestamp: toEpochSeconds(nowMs),
    server_id: null,
    correlation_id: null,
  });
  return {
    agent_started: (nowMs) =>
      outer(
        'system_message',
        {
          event: 'agent_started',
          type: 'agent_started',
          status: 'Agent execution started',
          user_id: run.userId,
          turn_id: `turn_${run.runId}`,
        },
        nowMs,
      ),
    agent_thinking: (nowMs) =>
      outer(
        'agent_progress',
        { event: 'agent_thinking', type: 'agent_thinking', message: THINKING_TEXT },
        nowMs,
      ),
    tool_executing: (nowMs) =>
      outer(
        'agent_progress',
        {
          event: 'tool_executing',
          type: 'tool_executing',
          payload: {
            tool_name: TOOL_NAME,
            agent_name: AGENT_NAME,
            parameters: { user_request_length: run.message.length },
            estimated_duration_ms: 500,
          },
        },
        nowMs,
      ),
    tool_completed: (nowMs) =>
      outer(
        'agent_progress',
        {
          event: 'tool_completed',
          type: 'tool_completed',
          payload: { result: { ...TOOL_RESULTS }, duration_ms: 480, success: true },
        },
        nowMs,
      ),
    agent_completed: (nowMs) =>
      outer(
        'agent_response_complete',
        { event: 'agent_completed', type: 'agent_completed', response: FINAL_RESPONSE },
        nowMs,
      ),
  };
}
