import { isRecord } from './messages.js';

/** Message types that start a DataHelper run (docs/protocol.md section 4). */
export const TRIGGER_TYPES = [
  'agent_execution',
  'start_agent',
  'user_message',
  'execute_agent',
  'chat',
  'agent_request',
] as const;

/** True when `type` is one of the trigger message types. */
export function isTriggerType(type: string): boolean {
  return (TRIGGER_TYPES as readonly string[]).includes(type);
}

/** What a trigger frame asks for; ids are null when the client sent none. */
export interface TriggerRequest {
  type: string;
  threadId: string | null;
  runId: string | null;
  message: string;
}

/** Reads the ids and request text from any trigger shape: top-level fields or `payload.*`. */
export function parseTrigger(frame: Record<string, unknown>): TriggerRequest {
  const payload = isRecord(frame.payload) ? frame.payload : {};
  const pick = (...values: unknown[]): string | null => {
    for (const value of values) if (typeof value === 'string' && value.length > 0) return value;
    return null;
  };
  return {
    type: typeof frame.type === 'string' ? frame.type : '',
    threadId: pick(frame.thread_id, payload.thread_id),
    runId: pick(frame.run_id, payload.run_id),
    message:
      pick(
        frame.message,
        payload.user_request,
        payload.text,
        payload.message,
        payload.content,
        frame.user_request,
        frame.text,
        frame.content,
      ) ?? '',
  };
}
