import type { IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import type { Budgets } from './types.js';
import type { FrameRecord, FrameVerdict, SessionOutcome } from '../contract/frames.js';
import type { ProxyTunnel } from '../shared/proxy-tunnel.js';
import { redactUrl } from '../shared/redact.js';
import { tlsOptionsOf } from '../shared/trust.js';
import { closeWaitMs, createDeadlines } from './deadlines.js';
import {
  connectFailed,
  connectTimeout,
  frameTooLarge,
  handshakeMissing,
  interrupted,
  invalidTarget,
  isFrameTooLarge,
  protocolError,
  serverClosed,
  throughProxy,
  upgradeRejected,
  type SessionEnding,
  type SessionFailure,
} from './failures.js';
import { parseFrame, readCloseReason, sentFrame, toBuffer } from './frame.js';
import {
  createClientHandshake,
  HANDSHAKE_COMPLETE_WAIT_MS,
  type HandshakeMode,
  type HandshakeStep,
} from './handshake.js';

/** Opens a WebSocket; a parameter so tests and embedders can wrap or replace the client. */
export type ConnectFn = (url: string, protocols: string[], options: ClientOptions) => WebSocket;

/** Everything one live session needs: where, what to send, the budgets and the frame callbacks. */
export interface SessionOptions {
  /** Target URL; it may carry `?token=`, so it only ever appears redacted in messages. */
  url: string;
  headers?: Record<string, string>;
  /** The Origin header of the upgrade request. */
  origin?: string;
  protocols?: string[];
  /**
   * Sent as JSON the moment the socket opens, without waiting for `connection_established` (with
   * `handshake: 'on'`, once the handshake is over).
   */
  trigger: unknown;
  /** The handshake of current servers: answer it when it comes (`auto`, the default), wait for it first (`on`), or never answer (`off`). */
  handshake?: HandshakeMode;
  /** The trigger to send after a handshake, with the server's thread_id; `trigger` itself when absent. */
  triggerFor?(threadId: string): unknown;
  budgets: Budgets;
  /** Largest message accepted, in bytes; a larger one ends the session as `frame_too_large`. */
  maxFrameBytes: number;
  /** The certificates to trust for `wss:` (PEM), in place of Node's default trust store. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** A tunnel through an HTTP proxy for this connection; without it the connection is direct. */
  tunnel?: ProxyTunnel;
  /** Judges each frame, both directions, synchronously and in order; the trigger is frame 1. */
  observe(frame: FrameRecord): FrameVerdict;
  /**
   * Called after `observe` for each frame (verbose output, recording), with the bytes it came as
   * (a recording keeps them when the parsed value cannot be written back).
   */
  onFrame?(frame: FrameRecord, wire: Buffer): void;
  onOpen?(info: { connectMs: number }): void;
  /** Aborting closes with 1000 and ends the session as `interrupted`. */
  signal?: AbortSignal;
  /** Monotonic clock in milliseconds; defaults to `performance.now`. */
  clock?: () => number;
  /** Wall clock, for the timestamp of a handshake answer; defaults to `new Date()`. */
  now?: () => Date;
  connect?: ConnectFn;
}

/** How the session ended, plus how long the connection took to open (null when it never did). */
export interface SessionResult extends SessionOutcome {
  connectMs: number | null;
}

/** Connects a `ws` client the ordinary way. */
export const connectWebSocket: ConnectFn = (url, protocols, options) =>
  new WebSocket(url, protocols, options);

function isClosed(socket: WebSocket): boolean {
  return socket.readyState === WebSocket.CLOSED;
}

/**
 * Runs one live session: connects, sends the trigger on open (answering the server's handshake as
 * `handshake` says), records and observes every frame and ends on the first of terminal + grace,
 * server close, drop, a budget running out, an oversized frame or abort; it resolves with how the
 * session ended and never rejects for anything the network or server does (only when `observe` or
 * `onFrame` throws).
 */
export function runSession(options: SessionOptions): Promise<SessionResult> {
  const clock = options.clock ?? (() => performance.now());
  const connect = options.connect ?? connectWebSocket;
  const { budgets } = options;
  const shownUrl = redactUrl(options.url);
  const offeredProtocols = options.protocols ?? [];
  const handshake = createClientHandshake(options.handshake ?? 'auto', options.now);

  return new Promise<SessionResult>((resolve, reject) => {
    const connectStart = clock();
    let connectMs: number | null = null;
    let triggerAt: number | null = null;
    let seq = 0;
    let terminalSeen = false;
    let ended = false;
    let outcome: SessionResult | null = null;
    let ws: WebSocket | null = null;
    // Every deadline of the session; all are cleared when the session ends.
    const deadlines = createDeadlines();

    const settle = (): void => {
      deadlines.clear('closeWait');
      if (outcome === null) return;
      const result = outcome;
      outcome = null;
      resolve(result);
    };

    /**
     * Ends the session once: records the outcome, stops every timer, then closes the socket and
     * resolves when it is closed (or destroyed once the close wait runs out).
     */
    const end = (ending: SessionEnding, how: 'close' | 'terminate' = 'close'): void => {
      if (ended) return;
      ended = true;
      deadlines.clearAll();
      options.signal?.removeEventListener('abort', onAbort);
      outcome = {
        reason: ending.reason,
        close: ending.close ?? null,
        durationMs: triggerAt === null ? null : clock() - triggerAt,
        connectMs,
        ...(ending.failure ? { failure: ending.failure } : {}),
      };
      if (ws === null || isClosed(ws)) {
        settle();
        return;
      }
      if (how === 'terminate' || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      // terminate() and close() may finish synchronously (nothing left to wait for).
      if (isClosed(ws)) {
        settle();
        return;
      }
      const left = triggerAt === null ? null : triggerAt + budgets.totalMs - clock();
      deadlines.set('closeWait', closeWaitMs(left), () => {
        ws?.terminate();
        settle();
      });
    };

    /** Ends a session that failed before or outside the contract, dropping the connection at once. */
    const fail = (failure: SessionFailure): void => {
      end({ reason: 'closed', failure }, 'terminate');
    };

    /** Runs a caller's callback; one that throws is a bug in the caller: clean up, then surface it. */
    const guard = <T>(callback: () => T): T | null => {
      try {
        return callback();
      } catch (error) {
        end({ reason: 'interrupted' }, 'terminate');
        reject(error instanceof Error ? error : new Error(String(error)));
        return null;
      }
    };

    const record = (frame: FrameRecord, wire: Buffer): FrameVerdict | null =>
      guard(() => {
        const verdict = options.observe(frame);
        options.onFrame?.(frame, wire);
        return verdict;
      });

    function onAbort(): void {
      if (ended) return;
      end({ reason: 'interrupted', failure: interrupted(shownUrl) });
    }

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const clientOptions: ClientOptions = {
      maxPayload: options.maxFrameBytes,
      headers: options.headers ?? {},
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      // A redirect would resend our credentials to another host.
      followRedirects: false,
      // parseFrame checks text frames itself: bad UTF-8 is a broken contract, not a dropped run.
      skipUTF8Validation: true,
      ...tlsOptionsOf(options),
      ...(options.tunnel ? { agent: options.tunnel.agent } : {}),
    };
    // What a proxy answered decides whose failure a failure before open is: its or the server's.
    const proxyFailure = (error: unknown): SessionFailure | null =>
      options.tunnel ? throughProxy(options.tunnel, options.url, error) : null;
    try {
      ws = connect(options.url, offeredProtocols, clientOptions);
    } catch (error) {
      // `ws` throws synchronously for a malformed URL or subprotocol: the input is wrong.
      fail(invalidTarget(shownUrl, error));
      return;
    }
    const socket = ws;

    deadlines.set('connect', budgets.connectMs, () => {
      fail(connectTimeout(shownUrl, budgets.connectMs, options.tunnel));
    });

    socket.on('unexpected-response', (_request, response: IncomingMessage) => {
      // The body is not needed; terminate() aborts the request and frees the socket.
      response.resume();
      const refused = proxyFailure(null);
      if (refused !== null) {
        fail(refused);
        return;
      }
      const answer = {
        status: response.statusCode ?? 0,
        statusMessage: response.statusMessage,
        location: response.headers.location,
      };
      fail(upgradeRejected(shownUrl, answer, offeredProtocols.length > 0));
    });

    /** Sends one JSON frame and records it; false when the session ended while recording it. */
    const send = (frame: unknown): boolean => {
      const text = JSON.stringify(frame) ?? 'null';
      const atMs = triggerAt === null ? null : Math.round(clock() - triggerAt);
      socket.send(text);
      return record(sentFrame(++seq, atMs, text), Buffer.from(text)) !== null;
    };

    // Frame times count from the first trigger; the first-event budget too, handshake included.
    const sendTrigger = (threadId: string | null): void => {
      const frame =
        threadId === null ? options.trigger : (options.triggerFor?.(threadId) ?? options.trigger);
      const first = triggerAt === null;
      if (first) triggerAt = clock();
      if (!send(frame) || !first) return;
      deadlines.set('firstEvent', budgets.firstEventMs, () =>
        end({ reason: 'first_event_timeout' }),
      );
    };

    const follow = (step: HandshakeStep): void => {
      if (ended) return;
      const expire = (): void => follow(handshake.waitExpired());
      if (step.action === 'trigger') {
        deadlines.clear('handshake');
        sendTrigger(step.threadId);
      } else if (step.action === 'acknowledge') {
        if (send(step.frame)) deadlines.set('handshake', HANDSHAKE_COMPLETE_WAIT_MS, expire);
      } else if (step.action === 'await') {
        deadlines.set('handshake', budgets.firstEventMs, expire);
      } else if (step.action === 'fail') {
        end(handshakeMissing(shownUrl, budgets.firstEventMs));
      }
    };

    socket.on('open', () => {
      if (ended) return;
      deadlines.clear('connect');
      connectMs = clock() - connectStart;
      const info = { connectMs };
      if (guard(() => options.onOpen?.(info) ?? true) === null) return;
      deadlines.set('total', budgets.totalMs, () =>
        // A run that already reached its terminal frame ended, even if the grace ran past the total.
        end({ reason: terminalSeen ? 'terminal' : 'timeout' }),
      );
      follow(handshake.opened());
    });

    socket.on('message', (raw: RawData, isBinary: boolean) => {
      if (ended) return;
      // Whole milliseconds: finer figures are noise next to network latency.
      const atMs = triggerAt === null ? null : Math.round(clock() - triggerAt);
      const bytes = toBuffer(raw);
      const frame = parseFrame(++seq, atMs, bytes, isBinary);
      const verdict = record(frame, bytes);
      if (verdict === null || ended) return;
      if (verdict.agentEvent) deadlines.clear('firstEvent');
      if (verdict.terminal && !terminalSeen) {
        terminalSeen = true;
        deadlines.clear('firstEvent');
        deadlines.set('grace', budgets.graceMs, () => end({ reason: 'terminal' }));
      }
      follow(
        handshake.received(frame.kind === 'json' ? frame.data : undefined, verdict.agentEvent),
      );
    });

    socket.on('error', (error: Error) => {
      if (ended) return;
      if (isFrameTooLarge(error)) {
        // ws has already started the close handshake with 1009: wait for it to finish.
        end(frameTooLarge(shownUrl, options.maxFrameBytes));
      } else if (socket.readyState !== WebSocket.CONNECTING && connectMs !== null) {
        // After open, an error is a protocol violation; ws closes with 1002/1007 itself.
        end(protocolError(shownUrl, error), 'terminate');
      } else {
        fail(proxyFailure(error) ?? connectFailed(options.url, shownUrl, error));
      }
    });

    socket.on('close', (code: number, reasonBuffer: Buffer) => {
      const reason = readCloseReason(reasonBuffer);
      if (ended) {
        // A close we started: report the server's answer when it sent one.
        if (outcome !== null && outcome.close === null && code !== 1005 && code !== 1006) {
          outcome.close = { code, reason };
        }
        settle();
        return;
      }
      const afterMs = triggerAt === null ? null : clock() - triggerAt;
      end(serverClosed(shownUrl, { code, reason }, afterMs));
    });
  });
}
