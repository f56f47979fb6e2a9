import { SignJWT } from 'jose';
import { v4 as uuidv4 } from 'uuid';
import { UsageError } from '../shared/errors.js';

/** Default lifetime of a minted token in seconds, as the auth service issues them. */
export const DEFAULT_TOKEN_TTL_SECONDS = 900;

/** Default permissions of a minted token. */
export const DEFAULT_PERMISSIONS: readonly string[] = ['read', 'write'];

/** Issuer the backend expects on access tokens. */
export const TOKEN_ISSUER = 'netra-auth-service';

/** What to put in a locally minted token and how to sign it. */
export interface MintTokenOptions {
  /** Shared HS256 secret of the server. */
  secret: string;
  /** User id (`sub` claim). */
  sub: string;
  email?: string;
  /** Defaults to `["read","write"]`. */
  permissions?: readonly string[];
  /** Lifetime in seconds; defaults to 900. */
  ttlSeconds?: number;
  /** Issue time in epoch milliseconds; defaults to `Date.now()`. */
  now?: number;
}

/** Mints an HS256 access token with the claims the auth service puts on its own tokens. */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  if (options.secret.length === 0) {
    throw new UsageError('TOKEN_SECRET_MISSING', 'Cannot mint a token: the JWT secret is empty.', {
      hint: "Set the server's shared HS256 secret.",
    });
  }
  const iat = Math.floor((options.now ?? Date.now()) / 1000);
  const ttl = options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  const claims: Record<string, unknown> = {
    permissions: [...(options.permissions ?? DEFAULT_PERMISSIONS)],
    type: 'access',
    token_type: 'access',
  };
  if (options.email !== undefined) claims.email = options.email;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuer(TOKEN_ISSUER)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(uuidv4())
    .sign(new TextEncoder().encode(options.secret));
}
