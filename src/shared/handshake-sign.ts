import { readString } from './fields.js';

/** The step of the server's handshake a frame is, with the thread_id it carries (docs/protocol.md section 9). */
export type HandshakeSign =
  { step: 'response' | 'acknowledged'; threadId: string } | { step: 'complete' } | null;

/** Reads a handshake_response (received), handshake_acknowledged (sent) or handshake_complete. */
export function readHandshakeSign(frame: unknown, type: string | null): HandshakeSign {
  if (type === 'handshake_complete') return { step: 'complete' };
  if (type !== 'handshake_response' && type !== 'handshake_acknowledged') return null;
  const threadId = readString(frame, 'thread_id');
  if (threadId === null) return null;
  return { step: type === 'handshake_response' ? 'response' : 'acknowledged', threadId };
}
