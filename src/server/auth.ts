import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignJWT, jwtVerify } from 'jose';

/** Subprotocol prefixes that carry a token, in the order docs/protocol.md section 2 lists them. */
export const AUTH_SUBPROTOCOL_PREFIXES = ['jwt.', 'jwt-auth.', 'bearer.'] as const;

/** Where a token was found on the upgrade request. */
export type TokenSource = 'header' | 'subprotocol' | 'query';

/** The token of an upgrade request and the subprotocol to echo back. */
export interface UpgradeCredentials {
  /** The token, or null when none of the three places holds one. */
  token: string | null;
  source: TokenSource | null;
  /** The exact offered subprotocol to echo, or null when none carries a known prefix. */
  protocol: string | null;
  /** True when the client offered subprotocols but none with a known prefix (refuse the handshake). */
  unknownProtocolsOnly: boolean;
}

/** The outcome of verifying a token. */
export type TokenVerdict =
  { ok: true; userId: string; email: string | null } | { ok: false; reason: string };

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Splits a `Sec-WebSocket-Protocol` header into its offered values. */
export function parseSubprotocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** The token inside an auth subprotocol value's remainder, decoding base64url when it is not a raw JWT. */
export function decodeSubprotocolToken(rest: string): string {
  if (JWT_PATTERN.test(rest)) return rest;
  const decoded = Buffer.from(rest, 'base64url').toString('utf8');
  return JWT_PATTERN.test(decoded) ? decoded : rest;
}

/** The first offered subprotocol with a known auth prefix and the token it carries, or null. */
export function selectAuthSubprotocol(
  offered: readonly string[],
): { protocol: string; token: string } | null {
  for (const protocol of offered) {
    const prefix = AUTH_SUBPROTOCOL_PREFIXES.find((p) => protocol.startsWith(p));
    if (prefix !== undefined) {
      return { protocol, token: decodeSubprotocolToken(protocol.slice(prefix.length)) };
    }
  }
  return null;
}

/** Finds the token in the header, then the subprotocols, then the query, as docs/protocol.md section 2 orders them. */
export function extractCredentials(req: IncomingMessage, url: URL): UpgradeCredentials {
  const offered = parseSubprotocols(req.headers['sec-websocket-protocol']);
  const selected = selectAuthSubprotocol(offered);
  const base = {
    protocol: selected?.protocol ?? null,
    unknownProtocolsOnly: offered.length > 0 && selected === null,
  };

  const authorization = req.headers.authorization;
  const bearer = authorization === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer?.[1] !== undefined) return { ...base, token: bearer[1], source: 'header' };

  if (selected !== null && selected.token.length > 0) {
    return { ...base, token: selected.token, source: 'subprotocol' };
  }

  const query = url.searchParams.get('token');
  if (query !== null && query.length > 0) return { ...base, token: query, source: 'query' };

  return { ...base, token: null, source: null };
}

/** HMAC key bytes for a shared secret string. */
function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Verifies an HS256 access token; the failure reason never quotes the token. */
export async function verifyToken(token: string | null, secret: string): Promise<TokenVerdict> {
  if (token === null) return { ok: false, reason: 'No token provided' };
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secretKey(secret), { algorithms: ['HS256'] }));
  } catch (error) {
    return { ok: false, reason: describeJoseError(error) };
  }
  if (typeof payload.sub !== 'string' || payload.sub.length === 0) {
    return { ok: false, reason: 'Token has no sub claim' };
  }
  for (const claim of ['type', 'token_type'] as const) {
    const value = payload[claim];
    // Refresh tokens share the secret on the real backend; only access tokens open a socket.
    if (value !== undefined && value !== 'access') {
      return { ok: false, reason: `Token ${claim} is not "access"` };
    }
  }
  const email = typeof payload.email === 'string' ? payload.email : null;
  return { ok: true, userId: payload.sub, email };
}

function describeJoseError(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'Token expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'Invalid token signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'Token algorithm not allowed (HS256 expected)';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const claim = (error as { claim?: unknown }).claim;
      return `Token claim check failed${typeof claim === 'string' ? `: ${claim}` : ''}`;
    }
    default:
      return 'Invalid token format';
  }
}

/** Claims a minted server token may override; `ttlSeconds` defaults to 3600. */
export interface MintClaims {
  sub?: string;
  email?: string;
  ttlSeconds?: number;
}

/** Mints an HS256 access token with the claims of docs/protocol.md section 2 for the reference server. */
export async function mintServerToken(secret: string, claims: MintClaims = {}): Promise<string> {
  const sub = claims.sub ?? 'ws-validate-user';
  const email = claims.email ?? `${sub}@example.com`;
  const iat = Math.floor(Date.now() / 1000);
  return new SignJWT({
    email,
    permissions: ['read', 'write'],
    type: 'access',
    token_type: 'access',
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('netra-auth-service')
    .setIssuedAt(iat)
    .setExpirationTime(iat + (claims.ttlSeconds ?? 3600))
    .setJti(randomUUID())
    .sign(secretKey(secret));
}

/** A random 32-byte secret, base64url-encoded. */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}
