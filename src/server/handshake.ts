import { buildErrorMessage, toEpochSeconds } from './messages.js';

/**
 * How a connection treats the handshake of current servers (docs/protocol.md section 9): `off` has none
 * (the servers of the studied revision), `on` sends handshake_response and runs agents once it is
 * acknowledged, `never` waits for a handshake it never starts.
 */
export type HandshakeMode = 'off' | 'on' | 'never';

/** The thread and run ids a run is played with. */
export interface RunIds {
  threadId: string;
  runId: string;
}

/** One connection's side of the handshake. */
export class ConnectionHandshake {
  private readonly mode: HandshakeMode;
  private readonly ids: RunIds;
  private acknowledged = false;

  constructor(mode: HandshakeMode, newId: () => string) {
    this.mode = mode;
    const threadId = `thread_${newId().replaceAll('-', '')}`;
    this.ids = { threadId, runId: `run_${threadId}_1` };
  }

  /** True once triggers may start runs: at once without a handshake, after it with one. */
  get complete(): boolean {
    return this.mode === 'off' || (this.mode === 'on' && this.acknowledged);
  }

  /** The frames that follow connection_established: the handshake_response when the handshake is on. */
  opening(nowMs: number): Record<string, unknown>[] {
    if (this.mode !== 'on') return [];
    return [
      {
        type: 'handshake_response',
        thread_id: this.ids.threadId,
        run_id: this.ids.runId,
        timestamp: toEpochSeconds(nowMs),
        message:
          'Handshake started: answer handshake_acknowledged with this thread_id, then send your request',
      },
    ];
  }

  /** The answer to a handshake frame, or null when `frame` is not one this connection handles. */
  answer(frame: Record<string, unknown>, nowMs: number): Record<string, unknown>[] | null {
    if (this.mode !== 'on' || this.acknowledged || frame.type !== 'handshake_acknowledged') {
      return null;
    }
    if (frame.thread_id !== this.ids.threadId) {
      const message = 'handshake_acknowledged must carry the thread_id of handshake_response';
      return [buildErrorMessage('HANDSHAKE_FAILED', message, nowMs)];
    }
    this.acknowledged = true;
    return [{ type: 'handshake_complete' }];
  }

  /** The ids a run plays with: after a handshake, the server's thread and, unless asked for, run. */
  idsFor(
    requested: { threadId: string | null; runId: string | null },
    newId: () => string,
  ): RunIds {
    if (this.mode === 'on')
      return { threadId: this.ids.threadId, runId: requested.runId ?? this.ids.runId };
    return { threadId: requested.threadId ?? newId(), runId: requested.runId ?? newId() };
  }
}
