import {
  AuthError,
  ConnectionError,
  InterruptedError,
  type WsValidateError,
} from '../shared/errors.js';
import { redactUrl } from '../shared/redact.js';
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
  fetchFn?: typeof fetch;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeNetworkError(error: unknown): string {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause !== undefined && typeof cause.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Gets an access token from the auth service's E2E simulation endpoint (`POST /auth/e2e/test-auth`
 * with `X-E2E-Bypass-Key`); a rejected key or production refusal is an AuthError, anything else
 * that goes wrong on the way a ConnectionError.
 */
export async function fetchE2eToken(options: E2eTokenOptions): Promise<string> {
  const fetchFn = options.fetchFn ?? fetch;
  const endpoint = `${options.authUrl.replace(/\/+$/, '')}${E2E_AUTH_PATH}`;
  const shown = redactUrl(endpoint);
  const body = {
    email: options.email,
    name: options.name ?? options.email.split('@')[0] ?? options.email,
    permissions: [...(options.permissions ?? DEFAULT_PERMISSIONS)],
    simulate_oauth: true,
  };
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
  let response: Response;
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'X-E2E-Bypass-Key': options.key,
      },
      body: JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw unreachable(shown, options.timeoutMs, error, options.signal?.aborted);
  }

  if (response.status === 401) {
    await response.body?.cancel();
    throw new AuthError(
      'E2E_KEY_REJECTED',
      `The auth service at ${shown} rejected the E2E key (HTTP 401).`,
      {
        hint: 'Check the E2E bypass key for this environment.',
      },
    );
  }
  if (response.status === 403) {
    await response.body?.cancel();
    throw new AuthError(
      'E2E_FORBIDDEN',
      `The auth service at ${shown} refused E2E authentication (HTTP 403), as it does in production.`,
      { hint: 'Use a token given directly, or run against a test environment.' },
    );
  }

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw unreachable(shown, options.timeoutMs, error, options.signal?.aborted);
  }
  if (!response.ok) {
    throw badResponse(shown, `answered HTTP ${response.status}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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

function unreachable(
  shown: string,
  timeoutMs: number,
  error: unknown,
  interrupted = false,
): WsValidateError {
  if (interrupted)
    return new InterruptedError(`the request to the auth service at ${shown} was interrupted`);
  const message = isTimeout(error)
    ? `The auth service at ${shown} did not answer within ${timeoutMs} ms.`
    : `The auth service at ${shown} is unreachable (${describeNetworkError(error)}).`;
  return new ConnectionError('AUTH_SERVICE_UNREACHABLE', message, {
    hint: 'Check the auth URL and that the service is up.',
    cause: error,
  });
}

function badResponse(shown: string, what: string, cause?: unknown): ConnectionError {
  return new ConnectionError('AUTH_SERVICE_BAD_RESPONSE', `The auth service at ${shown} ${what}.`, {
    hint: 'Check that the auth URL points at the auth service and that E2E auth is enabled there.',
    cause,
  });
}
