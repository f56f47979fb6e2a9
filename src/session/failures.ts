import { ExitCode } from '../shared/errors.js';
import { errorCode, isTlsError, TLS_HINT } from '../shared/network-errors.js';
import {
  describeProxy,
  proxyRefused,
  proxyUnreachable,
  type ProxyTunnel,
} from '../shared/proxy-tunnel.js';
import { createRedactor, redactUrl } from '../shared/redact.js';
import type { CloseInfo, SessionEndReason, SessionOutcome } from '../contract/frames.js';

/** A session that failed for a reason outside the contract, with the exit code it maps to. */
export type SessionFailure = NonNullable<SessionOutcome['failure']>;

/** How a session ends: why, the close frame seen (if any) and the failure behind it (if any). */
export interface SessionEnding {
  reason: SessionEndReason;
  close?: CloseInfo | null;
  failure?: SessionFailure;
}

/** What an HTTP answer to the WebSocket upgrade said, as far as the failure message needs it. */
export interface UpgradeResponse {
  status: number;
  statusMessage?: string | undefined;
  /** The `Location` header of a redirect. */
  location?: string | undefined;
}

// Close codes that say the server, not the agent, went away: infrastructure, like 1006 and 1011.
const GOING_AWAY_CLOSES: Readonly<Record<number, string>> = {
  1001: 'going away',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
};

// Error texts from the network stack never hold our secrets, but masking is cheap insurance.
const redact = createRedactor([]);

/** An error text fit to sit inside one of our sentences. */
function clause(text: string): string {
  return redact(text).replace(/[.\s]+$/, '');
}

/** True when `ws` reports a message larger than its `maxPayload`. */
export function isFrameTooLarge(error: unknown): boolean {
  return errorCode(error) === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function failure(code: string, exitCode: number, message: string, hint?: string): SessionFailure {
  return { code, message, exitCode, ...(hint === undefined ? {} : { hint }) };
}

/** `ws` refused to even start a connection: the URL or a subprotocol value is malformed. */
export function invalidTarget(shownUrl: string, error: unknown): SessionFailure {
  const detail = clause(error instanceof Error ? error.message : String(error));
  return failure(
    'INVALID_TARGET',
    ExitCode.Usage,
    `Cannot open a WebSocket to ${shownUrl}: ${detail}.`,
    'Check the URL (ws:// or wss://) and the subprotocol values.',
  );
}

/** The connection did not open within the connect budget (the proxy, if any, never answered). */
export function connectTimeout(
  shownUrl: string,
  connectMs: number,
  tunnel?: ProxyTunnel,
): SessionFailure {
  if (tunnel !== undefined && tunnel.answer() === null) {
    return failure(
      'CONNECT_TIMEOUT',
      ExitCode.Connection,
      `Timed out after ${connectMs} ms waiting for ${describeProxy(tunnel.route)} to open a tunnel to ${hostOf(shownUrl)}.`,
      `Check that the proxy in ${tunnel.route.source} is up and speaks HTTP CONNECT, or raise the connect budget.`,
    );
  }
  return failure(
    'CONNECT_TIMEOUT',
    ExitCode.Connection,
    `Timed out after ${connectMs} ms waiting for ${shownUrl} to accept the WebSocket ` +
      'connection (TCP connect, TLS and HTTP upgrade).',
    'Check that the server is up and reachable from here, or raise the connect budget.',
  );
}

/** The server answered the upgrade with an HTTP status instead of 101; 401/403 are an auth failure. */
export function upgradeRejected(
  shownUrl: string,
  response: UpgradeResponse,
  offeredProtocols: boolean,
): SessionFailure {
  const { status } = response;
  const statusText = response.statusMessage ? ` ${response.statusMessage}` : '';
  if (status === 401 || status === 403) {
    return failure(
      'AUTH_REJECTED',
      ExitCode.Auth,
      `${shownUrl} rejected the credentials: the WebSocket upgrade was answered with HTTP ${status}${statusText}.`,
      'Check the token (expired, or issued for another environment) and where it is placed.',
    );
  }
  let hint = 'Check that the URL points at the WebSocket endpoint (e.g. /ws).';
  if (status >= 300 && status < 400) {
    const { location } = response;
    hint = `The server redirects${location ? ` to ${redactUrl(location)}` : ''}; use the final URL (redirects are not followed, to keep credentials on this host).`;
  } else if (status === 400 && offeredProtocols) {
    hint =
      'The server may not accept the offered subprotocol; try placing the token in the header or query.';
  } else if (status >= 500) {
    hint = 'The server failed or is not ready; check its logs.';
  }
  return failure(
    'HANDSHAKE_REJECTED',
    ExitCode.Connection,
    `${shownUrl} refused the WebSocket upgrade with HTTP ${status}${statusText}.`,
    hint,
  );
}

/** A frame over the size limit; `ws` has already started the close handshake with 1009. */
export function frameTooLarge(shownUrl: string, maxFrameBytes: number): SessionEnding {
  return {
    reason: 'frame_too_large',
    close: { code: 1009, reason: 'Max payload size exceeded' },
    failure: failure(
      'FRAME_TOO_LARGE',
      ExitCode.Connection,
      `A frame from ${shownUrl} exceeded the ${maxFrameBytes}-byte limit, so the connection was closed with 1009.`,
      'Raise the limit with --max-frame-size if frames this large are expected.',
    ),
  };
}

/** A protocol violation after open (bad UTF-8, bad opcode, ...); `ws` closes with 1007 or 1002. */
export function protocolError(shownUrl: string, error: Error): SessionEnding {
  const detail = clause(error.message);
  return {
    reason: 'closed',
    close: { code: errorCode(error) === 'WS_ERR_INVALID_UTF8' ? 1007 : 1002, reason: detail },
    failure: failure(
      'PROTOCOL_ERROR',
      ExitCode.Connection,
      `${shownUrl} sent an invalid WebSocket frame (${detail}).`,
      'The server or a proxy in between breaks the WebSocket protocol.',
    ),
  };
}

/**
 * The proxy's failure behind a failure before open, if it was the proxy's: it refused the CONNECT
 * (whose answer `ws` then takes for the server's), or never answered it (`error` is why); null
 * when the tunnel stood and the failure is the server's.
 */
export function throughProxy(
  tunnel: ProxyTunnel,
  url: string,
  error: unknown,
): SessionFailure | null {
  const answer = tunnel.answer();
  if (answer !== null && answer.status === 200) return null;
  if (answer === null && error === null) return null;
  const problem =
    answer === null
      ? proxyUnreachable(tunnel.route, error)
      : proxyRefused(tunnel.route, hostOf(url), answer);
  return failure(problem.code, ExitCode.Connection, problem.message, problem.hint);
}

/** Why the connection to `url` failed before it opened: refused, DNS, TLS, subprotocol or else. */
export function connectFailed(url: string, shownUrl: string, error: Error): SessionFailure {
  const code = errorCode(error);
  const detail = clause(error.message);
  if (code === 'ECONNREFUSED') {
    return failure(
      'CONNECTION_REFUSED',
      ExitCode.Connection,
      `Connection to ${shownUrl} was refused: nothing is listening on ${hostOf(url)}.`,
      'Start the server, or check the host and port.',
    );
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return failure(
      'DNS_FAILED',
      ExitCode.Connection,
      `The host of ${shownUrl} could not be resolved (${code}).`,
      code === 'EAI_AGAIN'
        ? 'The DNS lookup failed temporarily; check the network and retry.'
        : 'Check the hostname for typos and that it exists in this network.',
    );
  }
  const codeText = code === undefined ? '' : ` (${code})`;
  if (isTlsError(code, detail)) {
    return failure(
      'TLS_FAILED',
      ExitCode.Connection,
      `The TLS handshake with ${shownUrl} failed: ${detail}${codeText}.`,
      TLS_HINT,
    );
  }
  if (/subprotocol/i.test(detail)) {
    return failure(
      'SUBPROTOCOL_REJECTED',
      ExitCode.Connection,
      `${shownUrl} did not accept the offered subprotocol (${detail}).`,
      'Place the token in the Authorization header or the query instead, or check which subprotocols the server supports.',
    );
  }
  return failure(
    'CONNECTION_FAILED',
    ExitCode.Connection,
    `Could not open a WebSocket to ${shownUrl}: ${detail}${codeText}.`,
    'Check that the URL points at a WebSocket server.',
  );
}

/**
 * How a close the server started ends the session: 1006 is a drop, 1011 a server error, 1001 and
 * 1012-1014 the server going away; any other code is an ordinary close for the judge to weigh.
 * `afterMs` is the time since the trigger, null when it was never sent.
 */
export function serverClosed(
  shownUrl: string,
  close: CloseInfo,
  afterMs: number | null,
): SessionEnding {
  const { code, reason } = close;
  const quoted = reason ? `: "${redact(reason)}"` : '';
  if (code === 1006) {
    const after = afterMs === null ? '' : ` ${Math.round(afterMs)} ms after the trigger`;
    return {
      reason: 'dropped',
      close,
      failure: failure(
        'CONNECTION_DROPPED',
        ExitCode.Connection,
        `The connection to ${shownUrl} dropped without a close frame (1006)${after}.`,
        'The server or a proxy ended the connection abruptly; this may be transient, so a retry may help.',
      ),
    };
  }
  if (code === 1011) {
    return {
      reason: 'closed',
      close,
      failure: failure(
        'SERVER_ERROR',
        ExitCode.Connection,
        `${shownUrl} closed the connection with 1011 (server error)${quoted}.`,
        'Check the server logs; 1011 also means the server was not ready.',
      ),
    };
  }
  const going = GOING_AWAY_CLOSES[code];
  if (going !== undefined) {
    return {
      reason: 'closed',
      close,
      failure: failure(
        'SERVER_GOING_AWAY',
        ExitCode.Connection,
        `${shownUrl} closed the connection with ${code} (${going})${quoted}.`,
        'The server is restarting or overloaded, not judging the contract; try again, or use --retries.',
      ),
    };
  }
  return { reason: 'closed', close };
}

/** The session was aborted (SIGINT, SIGTERM) before it ended by itself. */
export function interrupted(shownUrl: string): SessionFailure {
  return failure(
    'INTERRUPTED',
    ExitCode.Interrupted,
    `Interrupted before the session with ${shownUrl} ended.`,
  );
}

/** `--handshake on`: no handshake_response within the first-event budget, so no trigger was sent. */
export function handshakeMissing(shownUrl: string, waitedMs: number): SessionEnding {
  return {
    reason: 'first_event_timeout',
    failure: failure(
      'HANDSHAKE_MISSING',
      ExitCode.ContractFailed,
      `${shownUrl} sent no handshake_response within ${waitedMs} ms of the connection opening, so the trigger was never sent (--handshake on).`,
      'This server does not start the handshake of current servers: use --handshake auto (the default), which sends the trigger at once and answers a handshake only when one comes.',
    ),
  };
}
