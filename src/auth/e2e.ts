import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  AuthError,
  ConnectionError,
  InterruptedError,
  type WsValidateError,
} from '../shared/errors.js';
import { errorCode, isTlsError, TLS_HINT } from '../shared/network-errors.js';
import {
  proxyRefused,
  proxyUnreachable,
  type OpenTunnel,
  type ProxyProblem,
  type ProxyTunnel,
} from '../shared/proxy-tunnel.js';
import { redactUrl } from '../shared/redact.js';
import { tlsOptionsOf, type Trust } from '../shared/trust.js';
import { DEFAULT_PERMISSIONS } from './mint.js';

/** Path of the auth service's E2E simulation endpoint. */
export const E2E_AUTH_PATH = '/auth/e2e/test-auth';

/** Where the auth service is and who to sign in as through its E2E endpoint. */
export interface E2eTokenOptions {
  /** Base URL of the auth service, e.g. `https://auth.staging.netrasystems.ai`. */
  authUrl: string;
  /** The E2E bypass key, sent as `X-E2E-Bypass-Key`. */
  key: string;
  email: string;
  name?: string;
  permissions?: readonly string[];
  /** Deadline for the request and its body in milliseconds. */
  timeoutMs: number;
  /** Aborted on Ctrl-C: the request stops and the run is reported as interrupted. */
  signal?: AbortSignal;
  /** The certificates an https:// auth service is checked against (--ca, --insecure). */
  trust?: Trust;
  /** Opens a tunnel through the proxy the request goes through; without it, it goes direct. */
  tunnel?: OpenTunnel;
}

// An access token answer is small; anything this large is not the auth service.
const MAX_BODY_BYTES = 1024 * 1024;

/** What the auth service answered: its status, a redirect's Location, and its body. */
interface Answer {
  status: number;
  location: string | undefined;
  body: string;
}

/**
 * Gets an access token from the auth service's E2E simulation endpoint (`POST /auth/e2e/test-auth`
 * with `X-E2E-Bypass-Key`), following no redirect, so the key goes to the configured address only;
 * a rejected key or production refusal is an AuthError, anything else that goes wrong on the way a
 * ConnectionError.
 */
export async function fetchE2eToken(options: E2eTokenOptions): Promise<string> {
  const endpoint = `${options.authUrl.replace(/\/+$/, '')}${E2E_AUTH_PATH}`;
  const shown = redactUrl(endpoint);
  const body = JSON.stringify({
    email: options.email,
    name: options.name ?? options.email.split('@')[0] ?? options.email,
    permissions: [...(options.permissions ?? DEFAULT_PERMISSIONS)],
    simulate_oauth: true,
  });
  const tunnel = options.tunnel?.();
  let answer: Answer;
  try {
    answer = await post(endpoint, body, options, tunnel);
  } catch (error) {
    if (options.signal?.aborted !== true && tunnel?.answer() === null && !isTimeout(error)) {
      throw proxyError(proxyUnreachable(tunnel.route, error), error);
    }
    throw unreachable(shown, options.timeoutMs, error, options.signal?.aborted);
  }
  // A proxy's refusal comes back as if the auth service had answered it.
  const proxied = tunnel?.answer();
  if (tunnel && proxied && proxied.status !== 200) {
    throw proxyError(proxyRefused(tunnel.route, new URL(endpoint).host, proxied));
  }
  const { status } = answer;
  if (status >= 300 && status < 400) {
    const to = answer.location === undefined ? '' : ` to ${redactUrl(answer.location)}`;
    throw new ConnectionError(
      'AUTH_SERVICE_REDIRECT',
      `The auth service at ${shown} answered HTTP ${status} with a redirect${to}, which was not followed: the E2E key goes to the configured address only.`,
      { hint: 'Set the environment\'s "authUrl" to the address the service really answers on.' },
    );
  }
  if (status === 401) {
    throw new AuthError(
      'E2E_KEY_REJECTED',
      `The auth service at ${shown} rejected the E2E key (HTTP 401).`,
      { hint: 'Check the E2E bypass key for this environment.' },
    );
  }
  if (status === 403) {
    throw new AuthError(
      'E2E_FORBIDDEN',
      `The auth service at ${shown} refused E2E authentication (HTTP 403), as it does in production.`,
      { hint: 'Use a token given directly, or run against a test environment.' },
    );
  }
  if (status < 200 || status >= 300) throw badResponse(shown, `answered HTTP ${status}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch (error) {
    throw badResponse(shown, 'answered with a body that is not JSON', error);
  }
  const token =
    typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>).access_token
      : undefined;
  if (typeof token !== 'string' || token.length === 0) {
    throw badResponse(shown, 'answered without an `access_token` string');
  }
  return token;
}

/** Posts `body` and reads the answer, within the deadline, never following a redirect. */
function post(
  endpoint: string,
  body: string,
  options: E2eTokenOptions,
  tunnel: ProxyTunnel | undefined,
): Promise<Answer> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  const url = new URL(endpoint);
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const trust = options.trust ?? { ca: null, insecure: false };
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'X-E2E-Bypass-Key': options.key,
        },
        signal,
        ...(tunnel ? { agent: tunnel.agent } : {}),
        ...tlsOptionsOf(trust),
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > MAX_BODY_BYTES) {
            req.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function unreachable(
  shown: string,
  timeoutMs: number,
  error: unknown,
  interrupted = false,
): WsValidateError {
  if (interrupted)
    return new InterruptedError(`the request to the auth service at ${shown} was interrupted`);
  const code = errorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (isTlsError(code, detail) && !isTimeout(error)) {
    return new ConnectionError(
      'TLS_FAILED',
      `The TLS handshake with the auth service at ${shown} failed: ${detail}${code === undefined ? '' : ` (${code})`}.`,
      { hint: TLS_HINT, cause: error },
    );
  }
  const message = isTimeout(error)
    ? `The auth service at ${shown} did not answer within ${timeoutMs} ms.`
    : `The auth service at ${shown} is unreachable (${code ?? detail}).`;
  return new ConnectionError('AUTH_SERVICE_UNREACHABLE', message, {
    hint: 'Check the auth URL and that the service is up.',
    cause: error,
  });
}

function proxyError(problem: ProxyProblem, cause?: unknown): ConnectionError {
  return new ConnectionError(problem.code, problem.message, { hint: problem.hint, cause });
}

function badResponse(shown: string, what: string, cause?: unknown): ConnectionError {
  return new ConnectionError('AUTH_SERVICE_BAD_RESPONSE', `The auth service at ${shown} ${what}.`, {
    hint: 'Check that the auth URL points at the auth service and that E2E auth is enabled there.',
    cause,
  });
}
