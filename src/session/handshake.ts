// The client's side of the handshake of current servers (docs/protocol.md section 9): the server
// sends handshake_response, the client answers handshake_acknowledged with the same thread_id, the
// server confirms with handshake_complete, and the client sends its request with that thread_id.
// This module only decides what to do next; the session does the sending and keeps the time.

import { readType } from '../shared/fields.js';
import { readHandshakeSign } from '../shared/handshake-sign.js';

/** How a session treats the handshake: answer one if it comes, wait for one first, or never answer. */
export const HANDSHAKE_MODES = ['auto', 'on', 'off'] as const;

/** One of `auto`, `on`, `off`. */
export type HandshakeMode = (typeof HANDSHAKE_MODES)[number];

/** How long the client waits for handshake_complete after acknowledging, in milliseconds. */
export const HANDSHAKE_COMPLETE_WAIT_MS = 1_000;

/** What the session does next. */
export type HandshakeStep =
  /** Send the trigger; with the server's thread_id when `threadId` is not null. */
  | { action: 'trigger'; threadId: string | null }
  /** Send `frame`, then wait up to HANDSHAKE_COMPLETE_WAIT_MS for handshake_complete. */
  | { action: 'acknowledge'; frame: Record<string, unknown> }
  /** Wait for handshake_response, within the first-event budget, before sending anything. */
  | { action: 'await' }
  /** `on`: the wait for handshake_response ran out; the trigger was never sent. */
  | { action: 'fail' }
  | { action: 'none' };

/** One session's handshake, fed what happens to the session. */
export interface ClientHandshake {
  /** The socket opened. */
  opened(): HandshakeStep;
  /** A frame arrived (its parsed value, or undefined when it was not JSON); `agentEvent` as judged. */
  received(frame: unknown, agentEvent: boolean): HandshakeStep;
  /** The wait the last `await` or `acknowledge` started ran out. */
  waitExpired(): HandshakeStep;
}

const NONE: HandshakeStep = Object.freeze({ action: 'none' });

type State = 'closed' | 'awaiting' | 'listening' | 'acknowledged' | 'done';

/**
 * Creates the handshake of one session: `auto` sends the trigger on open and, when a
 * handshake_response comes before any agent event, answers it and sends the trigger again with the
 * server's thread_id; `on` sends nothing before the handshake; `off` never answers. `now` gives
 * the wall-clock time of the acknowledgement's timestamp.
 */
export function createClientHandshake(
  mode: HandshakeMode,
  now: () => Date = () => new Date(),
): ClientHandshake {
  let state: State = 'closed';
  let threadId: string | null = null;

  const acknowledge = (thread: string): HandshakeStep => {
    state = 'acknowledged';
    threadId = thread;
    return {
      action: 'acknowledge',
      frame: { type: 'handshake_acknowledged', thread_id: thread, timestamp: now().toISOString() },
    };
  };
  const triggerWithThread = (): HandshakeStep => {
    state = 'done';
    return { action: 'trigger', threadId };
  };

  return {
    opened() {
      if (mode === 'on') {
        state = 'awaiting';
        return { action: 'await' };
      }
      // Without a handshake the trigger goes out at once, as to any server: that costs nothing.
      state = mode === 'auto' ? 'listening' : 'done';
      return { action: 'trigger', threadId: null };
    },
    received(frame, agentEvent) {
      if (state === 'awaiting' || state === 'listening') {
        const sign = readHandshakeSign(frame, readType(frame));
        if (sign?.step === 'response') return acknowledge(sign.threadId);
        // Agent events for the trigger already sent: that server runs without a handshake.
        if (agentEvent && state === 'listening') state = 'done';
        return NONE;
      }
      if (state === 'acknowledged') {
        if (readHandshakeSign(frame, readType(frame))?.step === 'complete')
          return triggerWithThread();
        // The first trigger is running after all: sending it again would start a second run.
        if (agentEvent) state = 'done';
      }
      return NONE;
    },
    waitExpired() {
      if (state === 'awaiting') {
        state = 'done';
        return { action: 'fail' };
      }
      // No handshake_complete in time: the request goes out anyway, and the report says so.
      if (state === 'acknowledged') return triggerWithThread();
      return NONE;
    },
  };
}
