import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  authenticateUpgrade,
  parseSubprotocols,
  tokenOffers,
  verifyToken,
  type TokenVerifier,
  type UpgradeAuth,
} from './auth.js';

/** What decides an upgrade request: the paths served, the scenarios known, the secret. */
export interface UpgradeRules {
  paths: readonly string[];
  defaultScenario: string;
  isScenario: (name: string) => boolean;
  jwtSecret: string;
  /** How a failed authentication shows: 101 + AUTH_FAILED + 1008 (`frame`), or HTTP 401 (`http`). */
  authFailure: 'frame' | 'http';
}

/** An upgrade answered with an HTTP error; `log` says why, for the server's log. */
export interface UpgradeRefusal {
  status: number;
  message: string;
  headers?: string;
  log?: string;
}

/** An upgrade to go through with: the connection's scenario, who it is, what to echo. */
export interface UpgradeAcceptance {
  scenario: string;
  pathname: string;
  auth: UpgradeAuth;
}

const UNAUTHORIZED: Omit<UpgradeRefusal, 'log'> = {
  status: 401,
  message: 'Unauthorized',
  headers: 'WWW-Authenticate: Bearer\r\n',
};

/** Decides an upgrade request: refused with an HTTP status, or accepted with its scenario and auth. */
export async function decideUpgrade(
  req: IncomingMessage,
  rules: UpgradeRules,
): Promise<{ refuse: UpgradeRefusal } | { accept: UpgradeAcceptance }> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!rules.paths.includes(url.pathname)) return { refuse: { status: 404, message: 'Not found' } };
  const requested = url.searchParams.get('scenario');
  if (requested !== null && !rules.isScenario(requested)) {
    const log = `upgrade rejected 400: unknown scenario "${requested}"`;
    return { refuse: { status: 400, message: `Unknown scenario "${requested}"`, log } };
  }
  const scenario = requested ?? rules.defaultScenario;
  if (scenario === 'http_401') {
    return { refuse: { ...UNAUTHORIZED, log: 'upgrade rejected 401 (http_401 scenario)' } };
  }
  const offered = parseSubprotocols(req.headers['sec-websocket-protocol']);
  const offers = tokenOffers(offered);
  if (offered.length > 0 && offers.length === 0) {
    const message = 'Unsupported subprotocol; offer jwt.TOKEN, jwt-auth.TOKEN or bearer.TOKEN';
    const log = 'upgrade rejected 400: no supported subprotocol offered';
    return { refuse: { status: 400, message, log } };
  }
  const verify: TokenVerifier =
    scenario === 'auth_fail'
      ? () => Promise.resolve({ ok: false, reason: 'Token rejected (auth_fail scenario)' })
      : (token) => verifyToken(token, rules.jwtSecret);
  const auth = await authenticateUpgrade(req.headers, offers, url, verify);
  if (!auth.verdict.ok && rules.authFailure === 'http') {
    return { refuse: { ...UNAUTHORIZED, log: `upgrade rejected 401: ${auth.verdict.reason}` } };
  }
  return { accept: { scenario, pathname: url.pathname, auth } };
}

/** Answers an upgrade request with a plain HTTP error and ends the socket. */
export function refuseUpgrade(socket: Duplex, refusal: UpgradeRefusal): void {
  const body = `${refusal.message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      (refusal.headers ?? '') +
      '\r\n' +
      body,
  );
}
