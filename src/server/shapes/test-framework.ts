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

/**
 * The backend's test-framework server's frames for one chat (docs/protocol.md section 9): every field at
 * the top, an `event` field repeating the type, epoch-float timestamps, `user_id`, and no run or
 * thread ids at all.
 */
export function testFrameworkBuilders(run: RunContext): EventBuilders {
  const flat = (type: string, nowMs: number, fields: Record<string, unknown>) => ({
    type,
    event: type,
    ...fields,
    user_id: run.userId,
    timestamp: toEpochSeconds(nowMs),
  });
  const parameters = { user_request_length: run.message.length };
  return {
    agent_started: (nowMs) => flat('agent_started', nowMs, { agent_name: AGENT_NAME }),
    agent_thinking: (nowMs) =>
      flat('agent_thinking', nowMs, { agent_name: AGENT_NAME, reasoning: THINKING_TEXT }),
    tool_executing: (nowMs) => flat('tool_executing', nowMs, { tool_name: TOOL_NAME, parameters }),
    tool_completed: (nowMs) =>
      flat('tool_completed', nowMs, { tool_name: TOOL_NAME, result: { ...TOOL_RESULTS } }),
    agent_completed: (nowMs) =>
      flat('agent_completed', nowMs, { agent_name: AGENT_NAME, final_response: FINAL_RESPONSE }),
  };
}
