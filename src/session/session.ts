import type { IncomingMessage } from 'node:http';
import { WebSocket, type ClientOptions, type RawData } from 'ws';
import { ExitCode } from '../shared/errors.js';
import type { Budgets } from './types.js';
import type {
  CloseInfo,
  FrameRecord,
  FrameVerdict,
  RunError,
  SessionEndReason,
  SessionOutcome,
} from '../contract/frames.js';
import { createRedactor, redactUrl } from '../shared/redact.js';

/** Opens a WebSocket; a parameter so tests and embedders can wrap or replace the client. */
export type ConnectFn = (url: string, protocols: string[], options: ClientOptions) => WebSocket;

/** Everything one live session needs: where, what to send, the budgets and the frame callbacks. */
export interface SessionOptions {
  /** Target URL; it may carry `?token=`, so it only ever appears redacted in messages. */
  url: string;
  headers?: Record<string, string>;
  protocols?: string[];
  /** Sent as JSON the moment the socket opens, without waiting for `connection_established`. */
  trigger: unknown;
  budgets: Budgets;
  /** Largest message accepted, in bytes; a larger one ends the session as `frame_too_large`. */
  maxFrameBytes: number;
  /** Extra CA certificate(s) to trust for `wss:`. */
  ca?: string | Buffer;
  /** Skip TLS certificate verification. */
  insecure?: boolean;
  /** Judges each frame, both directions, synchronously and in order; the trigger is frame 1. */
  observe(frame: FrameRecord): FrameVerdict;
  /** Called after `observe` for each frame (verbose output, recording). */
  onFrame?(frame: FrameRecord): void;
  onOpen?(info: { connectMs: number }): void;
  /** Aborting closes with 1000 and ends the session as `interrupted`. */
  signal?: AbortSignal;
  /** Monotonic clock in milliseconds; defaults to `performance.now`. */
  clock?: () => number;
  connect?: ConnectFn;
}

/** How the session ended, plus how long the connection took to open (null when it never did). */
export interface SessionResult extends SessionOutcome {
  connectMs: number | null;
}

type Failure = RunError & { exitCode: number };

/** Connects a `ws` client the ordinary way. */
export const connectWebSocket: ConnectFn = (url, protocols, options) =>
  new WebSocket(url, protocols, options);

// Close codes that say the server, not the agent, went away: infrastructure, like 1006 and 1011.
const GOING_AWAY_CLOSES: Readonly<Record<number, string>> = {
  1001: 'going away',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
};

// How long a close handshake we started may take before the socket is destroyed instead.
const CLOSE_WAIT_MS = 1_000;
// Even at the end of the budget, a moment for the server's close frame.
const MIN_CLOSE_WAIT_MS = 100;

// Certificate and handshake failures reported by Node's TLS layer and OpenSSL.
const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'HOSTNAME_MISMATCH',
]);

const TLS_HINT =
  "Pass the server's CA certificate with --ca <file>, or skip verification with --insecure " +
  '(test servers only).';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect reports an AggregateError of per-address errors.
  if (Array.isArray(errors)) return errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

function isTlsError(code: string | undefined, message: string): boolean {
  if (code === undefined) return /certificate|ssl|tls/i.test(message);
  return TLS_ERROR_CODES.has(code) || /^ERR_(SSL|TLS)_|CERT/.test(code);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function isClosed(socket: WebSocket): boolean {
  return socket.readyState === WebSocket.CLOSED;
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/**
 * Runs one live session: connects, sends the trigger on open, records and observes every frame and
 * ends on the first of terminal + grace, server close, drop, a budget running out, an oversized
 * frame or abort; it resolves with how the session ended and never rejects for anything the
 * network or server does (only when `observe` or `onFrame` throws).
 */
export function runSession(options: SessionOptions): Promise<SessionResult> {
  const clock = options.clock ?? (() => performance.now());
  const connect = options.connect ?? connectWebSocket;
  const { budgets } = options;
  const shownUrl = redactUrl(options.url);
  // Error texts from the network stack never hold our secrets, but masking is cheap insurance.
  const redact = createRedactor([]);
  /** An error text fit to sit inside one of our sentences. */
  const clause = (text: string): string => redact(text).replace(/[.\s]+$/, '');
  const offeredProtocols = options.protocols ?? [];

  return new Promise<SessionResult>((resolve, reject) => {
    const connectStart = clock();
    let connectMs: number | null = null;
    let triggerAt: number | null = null;
    let seq = 0;
    let terminalSeen = false;
    let ending = false;
    let outcome: SessionResult | null = null;
    let ws: WebSocket | null = null;

    // Every deadline of the session; each is cleared when the session ends.
    const timers: Partial<Record<'connect' | 'firstEvent' | 'total' | 'grace', NodeJS.Timeout>> =
      {};
    let closeWaitTimer: NodeJS.Timeout | undefined;

    const clearTimers = (): void => {
      clearTimeout(timers.connect);
      clearTimeout(timers.firstEvent);
      clearTimeout(timers.total);
      clearTimeout(timers.grace);
    };

    const settle = (): void => {
      clearTimeout(closeWaitTimer);
      if (outcome === null) return;
      const result = outcome;
      outcome = null;
      resolve(result);
    };

    /**
     * Ends the session once: records the outcome, stops every timer, then closes the socket and
     * resolves when it is closed (or destroyed after CLOSE_WAIT_MS).
     */
    const end = (
      reason: SessionEndReason,
      details: { close?: CloseInfo | null; failure?: Failure; how?: 'close' | 'terminate' } = {},
    ): void => {
      if (ending) return;
      ending = true;
      clearTimers();
      options.signal?.removeEventListener('abort', onAbort);
      outcome = {
        reason,
        close: details.close ?? null,
        durationMs: triggerAt === null ? null : clock() - triggerAt,
        connectMs,
        ...(details.failure ? { failure: details.failure } : {}),
      };
      if (ws === null || isClosed(ws)) {
        settle();
        return;
      }
      if (details.how === 'terminate' || ws.readyState === WebSocket.CONNECTING) ws.terminate();
      else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
      // terminate() and close() may finish synchronously (nothing left to wait for).
      if (isClosed(ws)) {
        settle();
        return;
      }
      // Within what is left of the total budget, so a server that ignores our close frame cannot
      // stretch the run past --timeout by more than a moment.
      const left = triggerAt === null ? CLOSE_WAIT_MS : triggerAt + budgets.totalMs - clock();
      closeWaitTimer = setTimeout(
        () => {
          ws?.terminate();
          settle();
        },
        Math.min(CLOSE_WAIT_MS, Math.max(MIN_CLOSE_WAIT_MS, left)),
      );
    };

    const fail = (
      reason: SessionEndReason,
      code: string,
      exitCode: number,
      message: string,
      hint?: string,
      close?: CloseInfo | null,
    ): void => {
      end(reason, {
        close: close ?? null,
        failure: { code, message, exitCode, ...(hint === undefined ? {} : { hint }) },
        how: 'terminate',
      });
    };

    /** Runs a caller's callback; one that throws is a bug in the caller: clean up, then surface it. */
    const guard = <T>(callback: () => T): T | null => {
      try {
        return callback();
      } catch (error) {
        end('interrupted', { how: 'terminate' });
        reject(error instanceof Error ? error : new Error(String(error)));
        return null;
      }
    };

    const record = (frame: FrameRecord): FrameVerdict | null =>
      guard(() => {
        const verdict = options.observe(frame);
        options.onFrame?.(frame);
        return verdict;
      });

    function onAbort(): void {
      if (ending) return;
      end('interrupted', {
        failure: {
          code: 'INTERRUPTED',
          message: `Interrupted before the session with ${shownUrl} ended.`,
          exitCode: ExitCode.Interrupted,
        },
      });
    }

    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const clientOptions: ClientOptions = {
      maxPayload: options.maxFrameBytes,
      headers: options.headers ?? {},
      // A redirect would resend our credentials to another host.
      followRedirects: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
      ...(options.insecure ? { rejectUnauthorized: false } : {}),
    };
    try {
      ws = connect(options.url, offeredProtocols, clientOptions);
    } catch (error) {
      // `ws` throws synchronously for a malformed URL or subprotocol: the input is wrong.
      const detail = clause(error instanceof Error ? error.message : String(error));
      fail(
        'closed',
        'INVALID_TARGET',
        ExitCode.Usage,
        `Cannot open a WebSocket to ${shownUrl}: ${detail}.`,
        'Check the URL (ws:// or wss://) and the subprotocol values.',
      );
      return;
    }
    const socket = ws;

    timers.connect = setTimeout(() => {
      fail(
        'closed',
        'CONNECT_TIMEOUT',
        ExitCode.Connection,
        `Timed out after ${budgets.connectMs} ms waiting for ${shownUrl} to accept the WebSocket ` +
          'connection (TCP connect, TLS and HTTP upgrade).',
        'Check that the server is up and reachable from here, or raise the connect budget.',
      );
    }, budgets.connectMs);

    socket.on('unexpected-response', (_request, response: IncomingMessage) => {
      const status = response.statusCode ?? 0;
      const statusText = response.statusMessage ? ` ${response.statusMessage}` : '';
      // The body is not needed; terminate() aborts the request and frees the socket.
      response.resume();
      if (status === 401 || status === 403) {
        fail(
          'closed',
          'AUTH_REJECTED',
          ExitCode.Auth,
          `${shownUrl} rejected the credentials: the WebSocket upgrade was answered with HTTP ${status}${statusText}.`,
          'Check the token (expired, or issued for another environment) and where it is placed.',
        );
        return;
      }
      let hint = 'Check that the URL points at the WebSocket endpoint (e.g. /ws).';
      if (status >= 300 && status < 400) {
        const location = response.headers.location;
        hint = `The server redirects${location ? ` to ${redactUrl(location)}` : ''}; use the final URL (redirects are not followed, to keep credentials on this host).`;
      } else if (status === 400 && offeredProtocols.length > 0) {
        hint =
          'The server may not accept the offered subprotocol; try placing the token in the header or query.';
      } else if (status >= 500) {
        hint = 'The server failed or is not ready; check its logs.';
      }
      fail(
        'closed',
        'HANDSHAKE_REJECTED',
        ExitCode.Connection,
        `${shownUrl} refused the WebSocket upgrade with HTTP ${status}${statusText}.`,
        hint,
      );
    });

    socket.on('open', () => {
      if (ending) return;
      clearTimeout(timers.connect);
      connectMs = clock() - connectStart;
      const info = { connectMs };
      if (guard(() => options.onOpen?.(info) ?? true) === null) return;
      const text = JSON.stringify(options.trigger) ?? 'null';
      triggerAt = clock();
      socket.send(text);
      if (record(triggerFrame(++seq, text)) === null) return;
      timers.firstEvent = setTimeout(() => end('first_event_timeout'), budgets.firstEventMs);
      timers.total = setTimeout(
        // A run that already reached its terminal frame ended, even if the grace ran past the total.
        () => end(terminalSeen ? 'terminal' : 'timeout'),
        budgets.totalMs,
      );
    });

    socket.on('message', (raw: RawData, isBinary: boolean) => {
      if (ending) return;
      // Whole milliseconds: finer figures are noise next to network latency.
      const atMs = triggerAt === null ? null : Math.round(clock() - triggerAt);
      const bytes = toBuffer(raw);
      const frame = parseFrame(++seq, atMs, bytes, isBinary);
      const verdict = record(frame);
      if (verdict === null || ending) return;
      if (verdict.agentEvent && timers.firstEvent !== undefined) {
        clearTimeout(timers.firstEvent);
        timers.firstEvent = undefined;
      }
      if (verdict.terminal && !terminalSeen) {
        terminalSeen = true;
        clearTimeout(timers.firstEvent);
        timers.firstEvent = undefined;
        timers.grace = setTimeout(() => end('terminal'), budgets.graceMs);
      }
    });

    socket.on('error', (error: Error) => {
      if (ending) return;
      const code = errorCode(error);
      const detail = clause(error.message);
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        // ws has already started the close handshake with 1009.
        end('frame_too_large', {
          close: { code: 1009, reason: 'Max payload size exceeded' },
          failure: {
            code: 'FRAME_TOO_LARGE',
            exitCode: ExitCode.Connection,
            message: `A frame from ${shownUrl} exceeded the ${options.maxFrameBytes}-byte limit, so the connection was closed with 1009.`,
            hint: 'Raise the limit with --max-frame-size if frames this large are expected.',
          },
        });
        return;
      }
      if (socket.readyState !== WebSocket.CONNECTING && connectMs !== null) {
        // A protocol violation after open (bad UTF-8, bad opcode, ...); ws closes with 1002/1007.
        fail(
          'closed',
          'PROTOCOL_ERROR',
          ExitCode.Connection,
          `${shownUrl} sent an invalid WebSocket frame (${detail}).`,
          'The server or a proxy in between breaks the WebSocket protocol.',
          { code: code === 'WS_ERR_INVALID_UTF8' ? 1007 : 1002, reason: detail },
        );
        return;
      }
      failBeforeOpen(code, detail);
    });

    const failBeforeOpen = (code: string | undefined, detail: string): void => {
      const host = hostOf(options.url);
      if (code === 'ECONNREFUSED') {
        fail(
          'closed',
          'CONNECTION_REFUSED',
          ExitCode.Connection,
          `Connection to ${shownUrl} was refused: nothing is listening on ${host}.`,
          'Start the server, or check the host and port.',
        );
      } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
        fail(
          'closed',
          'DNS_FAILED',
          ExitCode.Connection,
          `The host of ${shownUrl} could not be resolved (${code}).`,
          code === 'EAI_AGAIN'
            ? 'The DNS lookup failed temporarily; check the network and retry.'
            : 'Check the hostname for typos and that it exists in this network.',
        );
      } else if (isTlsError(code, detail)) {
        fail(
          'closed',
          'TLS_FAILED',
          ExitCode.Connection,
          `The TLS handshake with ${shownUrl} failed: ${detail}${code === undefined ? '' : ` (${code})`}.`,
          TLS_HINT,
        );
      } else if (/subprotocol/i.test(detail)) {
        fail(
          'closed',
          'SUBPROTOCOL_REJECTED',
          ExitCode.Connection,
          `${shownUrl} did not accept the offered subprotocol (${detail}).`,
          'Place the token in the Authorization header or the query instead, or check which subprotocols the server supports.',
        );
      } else {
        fail(
          'closed',
          'CONNECTION_FAILED',
          ExitCode.Connection,
          `Could not open a WebSocket to ${shownUrl}: ${detail}${code === undefined ? '' : ` (${code})`}.`,
          'Check that the URL points at a WebSocket server.',
        );
      }
    };

    socket.on('close', (code: number, reasonBuffer: Buffer) => {
      const reason = reasonBuffer.toString('utf8');
      if (ending) {
        // A close we started: report the server's answer when it sent one.
        if (outcome !== null && outcome.close === null && code !== 1005 && code !== 1006) {
          outcome.close = { code, reason };
        }
        settle();
        return;
      }
      if (code === 1006) {
        const after =
          triggerAt === null ? '' : ` ${Math.round(clock() - triggerAt)} ms after the trigger`;
        end('dropped', {
          close: { code, reason },
          failure: {
            code: 'CONNECTION_DROPPED',
            exitCode: ExitCode.Connection,
            message: `The connection to ${shownUrl} dropped without a close frame (1006)${after}.`,
            hint: 'The server or a proxy ended the connection abruptly; this may be transient, so a retry may help.',
          },
        });
        return;
      }
      if (code === 1011) {
        end('closed', {
          close: { code, reason },
          failure: {
            code: 'SERVER_ERROR',
            exitCode: ExitCode.Connection,
            message: `${shownUrl} closed the connection with 1011 (server error)${reason ? `: "${redact(reason)}"` : ''}.`,
            hint: 'Check the server logs; 1011 also means the server was not ready.',
          },
        });
        return;
      }
      const going = GOING_AWAY_CLOSES[code];
      if (going !== undefined) {
        end('closed', {
          close: { code, reason },
          failure: {
            code: 'SERVER_GOING_AWAY',
            exitCode: ExitCode.Connection,
            message: `${shownUrl} closed the connection with ${code} (${going})${reason ? `: "${redact(reason)}"` : ''}.`,
            hint: 'The server is restarting or overloaded, not judging the contract; try again, or use --retries.',
          },
        });
        return;
      }
      end('closed', { close: { code, reason } });
    });
  });
}

function triggerFrame(seq: number, text: string): FrameRecord {
  return {
    seq,
    dir: 'out',
    atMs: 0,
    kind: 'json',
    // What went on the wire, so undefined members and toJSON() are reflected as sent.
    data: JSON.parse(text) as unknown,
    size: Buffer.byteLength(text),
  };
}

/** Builds the record of one received message: JSON when its text parses, else text or binary. */
function parseFrame(
  seq: number,
  atMs: number | null,
  bytes: Buffer,
  isBinary: boolean,
): FrameRecord {
  const base = { seq, dir: 'in' as const, atMs, size: bytes.length };
  // The bytes are kept for a recording; nothing judges them.
  if (isBinary) return { ...base, kind: 'binary', data: bytes };
  const text = bytes.toString('utf8');
  try {
    return { ...base, kind: 'json', data: JSON.parse(text) as unknown };
  } catch {
    return { ...base, kind: 'text', text };
  }
}
