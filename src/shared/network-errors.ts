// How Node reports network failures: the pieces the session and the token requests share.

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

/** What to try when a certificate is not trusted, for wss:// and the E2E token request alike. */
export const TLS_HINT =
  "Pass the server's CA certificate with --ca <file>, or skip verification with --insecure " +
  '(test servers only).';

/** The errno-style code of a network error (`ECONNREFUSED`, `CERT_HAS_EXPIRED`, ...), if any. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // Node's happy-eyeballs connect reports an AggregateError of per-address errors.
  if (Array.isArray(errors)) return errors.map(errorCode).find((c) => c !== undefined);
  return undefined;
}

/** True when an error code (or, without one, the message) names a certificate or TLS failure. */
export function isTlsError(code: string | undefined, message: string): boolean {
  if (code === undefined) return /certificate|ssl|tls/i.test(message);
  return TLS_ERROR_CODES.has(code) || /^ERR_(SSL|TLS)_|CERT/.test(code);
}
