import { readHandshakeSign } from '../shared/handshake-sign.js';
import type { FrameRecord, SessionOutcome } from './frames.js';
import type { HandshakeReport } from './types.js';

/** What a run's frames, both ways, showed of the server's handshake (docs/protocol.md section 9). */
export interface HandshakeFacts {
  /** The thread_id of the handshake_response that came before any agent event; null when none did. */
  offered: string | null;
  /** The thread_id our handshake_acknowledged carried; null while we have not answered. */
  acknowledged: string | null;
  /** handshake_complete arrived after our answer. */
  completed: boolean;
  /** A request (anything but the answer) went out before handshake_complete. */
  early: boolean;
}

/** Facts of a run that has seen no handshake yet. */
export function createHandshakeFacts(): HandshakeFacts {
  return { offered: null, acknowledged: null, completed: false, early: false };
}

/**
 * Notes what one frame (of `type`) does to the handshake; returns the thread_id the run adopts
 * from this frame on (our answer carries the server's), else null.
 */
export function noteHandshake(
  facts: HandshakeFacts,
  frame: FrameRecord,
  type: string | null,
  agentEvents: number,
): string | null {
  const sign = frame.kind === 'json' ? readHandshakeSign(frame.data, type) : null;
  if (frame.dir === 'out') {
    if (sign?.step === 'acknowledged') {
      facts.acknowledged = sign.threadId;
      return sign.threadId;
    }
    if (!facts.completed) facts.early = true;
    return null;
  }
  if (sign?.step === 'response' && facts.offered === null && agentEvents === 0) {
    facts.offered = sign.threadId;
  } else if (sign?.step === 'complete' && facts.acknowledged !== null) {
    facts.completed = true;
  }
  return null;
}

/**
 * True when the server closed with 1008 before any agent event, no auth failure said why, and a
 * request had gone out before its handshake was complete: a server that insists on the handshake.
 */
export function isHandshakeRefused(
  facts: HandshakeFacts,
  outcome: SessionOutcome,
  agentEvents: number,
  authFrame: boolean,
): boolean {
  return (
    facts.offered !== null &&
    facts.early &&
    agentEvents === 0 &&
    !authFrame &&
    outcome.close?.code === 1008
  );
}

/** The report's account of the handshake, when the server started one. */
export function describeHandshake(facts: HandshakeFacts): HandshakeReport | undefined {
  const threadId = facts.offered ?? facts.acknowledged;
  if (threadId === null) return undefined;
  return {
    threadId,
    status: facts.acknowledged === null ? 'unanswered' : 'adopted',
    completed: facts.completed,
  };
}

/**
 * The `handshake_required` diagnosis: the server closed 1008 over a request sent before its
 * handshake (`refused`), or ran nothing while its handshake went unanswered; undefined otherwise.
 */
export function diagnoseHandshake(
  facts: HandshakeFacts,
  refused: boolean,
  silent: boolean,
): string | undefined {
  const opened = `its handshake (handshake_response, thread_id \`${facts.offered ?? ''}\`)`;
  if (refused) {
    return `The server closed the connection with 1008 because a request went out before ${opened} was complete: it insists on the handshake first. Use --handshake on, which waits for handshake_response and sends the trigger after handshake_complete.`;
  }
  if (silent && facts.offered !== null && facts.acknowledged === null) {
    return `The server opened with ${opened}, which was never answered (--handshake off), and ran nothing: it waits for handshake_acknowledged before it runs a request. Use --handshake auto (the default) or on.`;
  }
  return undefined;
}
