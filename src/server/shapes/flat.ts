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

/** Another emitter's frames for one run: every field flattened to the top level, epoch timestamps. */
export function flatBuilders(run: RunContext): EventBuilders {
  let toolStartMs: number | null = null;
  const base = (type: string, nowMs: number): Record<string, unknown> => ({
    timestamp: toEpochSeconds(nowMs),
    critical: true,
    type,
  });
  const args = { user_request_length: run.message.length };
  return {
    agent_started: (nowMs) => ({
      ...base('agent_started', nowMs),
      user_id: run.userId,
      thread_id: run.threadId,
      agent_name: AGENT_NAME,
      task_description: 'Generate a data request',
    }),
    // Named correctly: type clobbering is the clobbered_type scenario's one fault, not this one's.
    agent_thinking: (nowMs) => ({
      ...base('agent_thinking', nowMs),
      reasoning: THINKING_TEXT,
      run_id: run.runId,
      thread_id: run.threadId,
    }),
    tool_executing: (nowMs) => {
      toolStartMs = nowMs;
      return {
        ...base('tool_executing', nowMs),
        tool_name: TOOL_NAME,
        tool_args: args,
        parameters: args,
        execution_id: null,
        user_id: run.userId,
        thread_id: run.threadId,
      };
    },
    tool_completed: (nowMs) => {
      const elapsed = elapsedMs(toolStartMs, nowMs);
      return {
        ...base('tool_completed', nowMs),
        tool_name: TOOL_NAME,
        results: { ...TOOL_RESULTS },
        execution_time: elapsed,
        duration: elapsed,
        execution_id: null,
        success: true,
        user_id: null,
        thread_id: run.threadId,
      };
    },
    agent_completed: (nowMs) => ({
      ...base('agent_completed', nowMs),
      status: 'completed',
      final_response: FINAL_RESPONSE,
      user_id: run.userId,
      thread_id: run.threadId,
    }),
  };
}
