import { isRecord } from '../messages.js';

/** The parts of an AG-UI RunAgentInput the server reads. */
export interface RunInput {
  threadId: string;
  runId: string;
  /** The text of the last user message, or '' when there is none. */
  userText: string;
}

const ROLES = ['developer', 'system', 'assistant', 'user', 'tool', 'activity', 'reasoning'];

/**
 * Reads a RunAgentInput (threadId, runId, messages; tools, context, state and forwardedProps
 * optional; any other field allowed), or says what is wrong with it.
 */
export function parseRunInput(value: unknown): { input: RunInput } | { problem: string } {
  if (!isRecord(value)) return { problem: 'a RunAgentInput is a JSON object' };
  for (const id of ['threadId', 'runId'] as const) {
    if (typeof value[id] !== 'string' || value[id].length === 0) {
      return { problem: `RunAgentInput.${id} must be a non-empty string` };
    }
  }
  if (!Array.isArray(value.messages)) return { problem: 'RunAgentInput.messages must be an array' };
  let userText = '';
  for (const [i, message] of value.messages.entries()) {
    if (!isRecord(message) || typeof message.id !== 'string') {
      return { problem: `RunAgentInput.messages[${i}] must be an object with a string id` };
    }
    if (typeof message.role !== 'string' || !ROLES.includes(message.role)) {
      return { problem: `RunAgentInput.messages[${i}].role must be one of ${ROLES.join(', ')}` };
    }
    if (message.role === 'user' && typeof message.content === 'string') userText = message.content;
  }
  for (const list of ['tools', 'context'] as const) {
    if (value[list] !== undefined && !Array.isArray(value[list])) {
      return { problem: `RunAgentInput.${list} must be an array` };
    }
  }
  return { input: { threadId: value.threadId as string, runId: value.runId as string, userText } };
}
