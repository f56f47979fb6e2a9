import type { AuthPlacement } from '../settings/parse.js';

/** What the session needs to present a token: the URL, extra headers and offered subprotocols. */
export interface PlacedToken {
  url: string;
  headers: Record<string, string>;
  protocols: string[];
}

/**
 * Places a token as `Authorization: Bearer` with the environment's name in `X-Environment` beside
 * it (as the backend's own command-line client sends them, docs/protocol.md section 9), as the
 * subprotocol `jwt.<base64url(token)>`, or as a `token` query parameter appended to the URL's
 * existing query (before any fragment).
 */
export function applyToken(
  url: string,
  token: string,
  placement: AuthPlacement,
  environment: string,
): PlacedToken {
  switch (placement) {
    case 'header':
      return {
        url,
        headers: { Authorization: `Bearer ${token}`, 'X-Environment': environment },
        protocols: [],
      };
    case 'subprotocol':
      // base64url keeps the value inside the token characters a subprotocol name allows.
      return {
        url,
        headers: {},
        protocols: [`jwt.${Buffer.from(token).toString('base64url')}`],
      };
    case 'query':
      return { url: appendQuery(url, 'token', token), headers: {}, protocols: [] };
  }
}

function appendQuery(url: string, name: string, value: string): string {
  const hashAt = url.indexOf('#');
  const base = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : url.slice(hashAt);
  const separator = !base.includes('?') ? '?' : /[?&]$/.test(base) ? '' : '&';
  return `${base}${separator}${name}=${encodeURIComponent(value)}${fragment}`;
}
