import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

/** Subprotocol prefixes that carry a token: docs/protocol.md section 2's three and the real client's `staging-auth.`. */
export const AUTH_SUBPROTOCOL_PREFIXES = ['jwt.', 'jwt-auth.', 'bearer.', 'staging-auth.'] as const;

/** Where a token was found on the upgrade request. */
export type TokenSource = 'header' | 'subprotocol' | 'query';

/** The outcome of verifying a token. */
export type TokenVerdict =
  { ok: true; userId: string; email: string | null } | { ok: false; reason: string };

/** Checks one token. */
export type TokenVerifier = (token: string) => Promise<TokenVerdict>;

/** One offered subprotocol with a known prefix, and the tokens it may carry, most likely first. */
export interface TokenOffer {
  protocol: string;
  tokens: string[];
}

/** Who an upgrade request authenticates as, and which offered subprotocol to echo back. */
export interface UpgradeAuth {
  verdict: TokenVerdict;
  source: TokenSource | null;
  /** The exact offered subprotocol to echo, or null when none carries a known prefix. */
  protocol: string | null;
}

const JWT_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** Splits a `Sec-WebSocket-Protocol` header into its offered values. */
export function parseSubprotocols(header: string | string[] | undefined): string[] {
  const joined = Array.isArray(header) ? header.join(',') : (header ?? '');
  return joined
    .split(',')
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** `text` as a JWT, raw or base64url-decoded, or null when it is neither. */
function asJwt(text: string): string | null {
  if (JWT_PATTERN.test(text)) return text;
  const decoded = Buffer.from(text, 'base64url').toString('utf8');
  return JWT_PATTERN.test(decoded) ? decoded : null;
}

/**
 * The tokens an offer's remainder may carry: `<token>` or `<env>.<token>` (the real client's form),
 * each raw or base64url; the remainder itself when neither reading gives a JWT, so that its
 * verification says why.
 */
function offeredTokens(rest: string): string[] {
  const dot = rest.indexOf('.');
  const readings = [asJwt(rest), dot === -1 ? null : asJwt(rest.slice(dot + 1))];
  const tokens = [...new Set(readings.filter((t): t is string => t !== null))];
  return tokens.length > 0 ? tokens : [rest];
}

/** The offered subprotocols with a known auth prefix, in the client's order. */
export function tokenOffers(offered: readonly string[]): TokenOffer[] {
  return offered.flatMap((protocol) => {
    const prefix = AUTH_SUBPROTOCOL_PREFIXES.find((p) => protocol.startsWith(p));
    return prefix === undefined
      ? []
      : [{ protocol, tokens: offeredTokens(protocol.slice(prefix.length)) }];
  });
}

/**
 * Authenticates an upgrade request as docs/protocol.md section 2 orders the places: the header, then
 * every token-bearing subprotocol offer in turn (the first whose token verifies wins and is echoed),
 * then `?token=`.
 */
export async function authenticateUpgrade(
  headers: { authorization?: string | undefined },
  offers: readonly TokenOffer[],
  url: URL,
  verify: TokenVerifier,
): Promise<UpgradeAuth> {
  const echoed = offers[0]?.protocol ?? null;
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (bearer?.[1] !== undefined) {
    return { verdict: await verify(bearer[1]), source: 'header', protocol: echoed };
  }
  if (offers.length > 0) {
    const verdicts = new Map<string, Promise<TokenVerdict>>();
    let firstFailure: TokenVerdict | null = null;
    for (const offer of offers) {
      for (const token of offer.tokens) {
        let verdict = verdicts.get(token);
        if (verdict === undefined) verdicts.set(token, (verdict = verify(token)));
        const outcome = await verdict;
        if (outcome.ok)
          return { verdict: outcome, source: 'subprotocol', protocol: offer.protocol };
        firstFailure ??= outcome;
      }
    }
    return { verdict: firstFailure ?? noToken(), source: 'subprotocol', protocol: echoed };
  }
  const query = url.searchParams.get('token');
  if (query !== null && query.length > 0) {
    return { verdict: await verify(query), source: 'query', protocol: null };
  }
  return { verdict: noToken(), source: null, protocol: null };
}

function noToken(): TokenVerdict {
  return { ok: false, reason: 'No token provided' };
}

/** HMAC key bytes for a shared secret string. */
function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Verifies an HS256 access token; the failure reason never quotes the token. */
export async function verifyToken(token: string, secret: string): Promise<TokenVerdict> {
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
