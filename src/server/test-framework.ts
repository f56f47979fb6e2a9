import { isRecord } from './messages.js';

// The backend's test-framework WebSocket server (docs/protocol.md section 9), as the `test_server`
// scenario plays it: its own connection frame, and its own answers to what clients send.

/** Its connection frame: the fields at the top level, no `data`. */
export function buildTestFrameworkEstablished(
  userId: string,
  connectionId: string,
  nowMs: number,
): Record<string, unknown> {
  return {
    type: 'connection_established',
    connection_id: connectionId,
    user_id: userId,
    server_time: new Date(nowMs).toISOString(),
    message: 'Connected to the test WebSocket server',
  };
}

/** What the test-framework server does with a client frame: answer it, or run a chat. */
export type TestFrameworkAnswer = { reply: Record<string, unknown> } | { chat: true };

/** `user_message` and `chat` run a chat when they carry `payload.content`; anything else is echoed. */
export function answerTestFramework(frame: Record<string, unknown>): TestFrameworkAnswer {
  if (frame.type !== 'user_message' && frame.type !== 'chat') {
    return { reply: { type: 'echo', original_message: frame } };
  }
  const content = isRecord(frame.payload) ? frame.payload.content : undefined;
  if (typeof content !== 'string' || content.trim() === '') {
    return { reply: { type: 'error', message: 'Empty message content' } };
  }
  return { chat: true };
}
