import { decodeJwt } from 'jose';

/** The `exp` claim of a JWT in epoch seconds, decoded without verification; null for non-JWTs. */
export function readTokenExpiry(token: string): number | null {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : null;
  } catch {
    // Opaque tokens are legitimate; only the server can judge them.
    return null;
  }
}

/** True when the token is a JWT whose `exp` (epoch seconds) is at or before `nowMs` (epoch ms). */
export function isExpired(token: string, nowMs: number): boolean {
  const exp = readTokenExpiry(token);
  return exp !== null && exp * 1000 <= nowMs;
}
