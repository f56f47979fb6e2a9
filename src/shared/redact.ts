import { CUT_MARK } from './fields.js';

/** The text that replaces every secret. */
export const REDACTED = '***';

// Shorter strings are too likely to occur by chance in frames ("test", "true").
const MIN_SECRET_LENGTH = 8;

// Query and fragment parameters whose value is a credential.
const SECRET_PARAMS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'key',
  'api_key',
  'apikey',
  'secret',
  'password',
  'auth',
  'jwt',
];
const PARAM_NAMES = SECRET_PARAMS.join('|');
const TOKEN_CHARS = '[A-Za-z0-9._~+/=-]+';

// In a URL's query or fragment, any parameter whose name contains one of these words holds a
// credential (`ticket`, `access-token`, `X-Amz-Signature`, `sessionId`, `apiKey`, ...).
const CREDENTIAL_WORDS = 'token|ticket|key|secret|signature|password|auth|credential|session';
const CREDENTIAL_PARAM = `[^=&#?\\s"'<>]*?(?:${CREDENTIAL_WORDS})[^=&#?\\s"'<>]*=`;

const SECRET_HEADER = new RegExp(`${CREDENTIAL_WORDS}|cookie`, 'i');

/**
 * True when a header's name says its value is a credential: it contains authorization, cookie,
 * key, token, secret or another word of a URL's credential parameters, in any case.
 */
export function isSecretHeaderName(name: string): boolean {
  return SECRET_HEADER.test(name);
}

// One pass over the text for every credential shape that needs no knowledge of the secret;
// alternatives are tried left to right, so longer prefixes come first.
const PATTERNS = new RegExp(
  [
    // A credential parameter of a URL anywhere in the text.
    `([?&#;]${CREDENTIAL_PARAM})([^&#\\s"'<>]+)`,
    // The password of a URL's user part anywhere in the text (a proxy URL in an error message).
    `\\b([a-z][a-z0-9+.-]*://[^\\s/?#@:"'<>]*:)([^\\s/?#@"'<>]+)(?=@)`,
    // `token=...` in form bodies and log lines.
    `(?<![\\w-])((?:${PARAM_NAMES})=)([^&#\\s"'<>]+)`,
    // `Authorization: Bearer ...` in any casing, also in JSON.
    `\\b(bearer\\s+)(${TOKEN_CHARS})`,
    // Offered subprotocol values carrying a token.
    `\\b((?:jwt-auth|jwt|bearer)\\.)(${TOKEN_CHARS})`,
    // The E2E bypass key as a header, JSON member or parameter.
    `(x-e2e-bypass-key["']?\\s*[:=]\\s*["']?)([^\\s"',;}&]+)`,
    // A bare JWT: keep header and payload (useful for debugging), drop the signature.
    `\\b(eyJ[A-Za-z0-9_-]*\\.eyJ[A-Za-z0-9_-]*\\.)([A-Za-z0-9_-]+)`,
  ].join('|'),
  'gi',
);

function maskPatterns(text: string): string {
  return text.replace(PATTERNS, (match: string, ...groups: unknown[]) => {
    // Capture groups come in (prefix, value) pairs, then the offset and the text; one pair matched.
    for (let i = 0; i < groups.length - 2; i += 2) {
      const prefix = groups[i];
      if (typeof prefix === 'string') return prefix + REDACTED;
    }
    return match;
  });
}

/** Every form in which a secret may appear in output: as is, encoded, or its JWT signature. */
function variantsOf(secret: string): string[] {
  const variants = [
    secret,
    Buffer.from(secret).toString('base64url'),
    Buffer.from(secret).toString('base64'),
    encodeURIComponent(secret),
  ];
  const parts = secret.split('.');
  if (parts.length === 3 && parts[2] !== undefined) variants.push(parts[2]);
  return variants.filter((variant) => variant.length >= MIN_SECRET_LENGTH);
}

// A cut that leaves fewer characters of a secret leaves them: they say nothing about it, every JWT
// starts with the same few, and masking them would mangle ordinary text that ends in them.
const MIN_CUT_PREFIX = 4;

/** The length of the longest proper prefix of `literal` (at least MIN_CUT_PREFIX) ending at `at`. */
function prefixBefore(text: string, at: number, literal: string): number {
  for (let length = Math.min(literal.length - 1, at); length >= MIN_CUT_PREFIX; length -= 1) {
    if (text.startsWith(literal.slice(0, length), at - length)) return length;
  }
  return 0;
}

/** Masks what a cut left of a secret: a prefix of one just before a cut mark. */
function maskCutPrefixes(text: string, literals: readonly string[]): string {
  let out = '';
  let from = 0;
  for (let at = text.indexOf(CUT_MARK); at !== -1; at = text.indexOf(CUT_MARK, at + 1)) {
    const longest = Math.max(0, ...literals.map((literal) => prefixBefore(text, at, literal)));
    if (longest === 0) continue;
    out += text.slice(from, Math.max(from, at - longest)) + REDACTED;
    from = at;
  }
  return out + text.slice(from);
}

/**
 * Creates a function that masks the given secrets (and their base64, base64url, URL-encoded and
 * JWT-signature forms), what a cut left of one (4 or more of its first characters just before a
 * `…`), plus every token-shaped value (`token=`, `Bearer`, `jwt.` subprotocols,
 * `X-E2E-Bypass-Key`, JWT signatures) in a text; secrets shorter than 8 characters are ignored.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const literals = [
    ...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(variantsOf)),
  ].sort((a, b) => b.length - a.length);
  // Longest first, so a secret is masked whole rather than around a shorter variant inside it.
  // Plain substring replacement: a regular expression built from a long secret can exceed the
  // engine's limits and throw, which would leave the secret unmasked.
  return (text: string): string => {
    let masked = text;
    for (const literal of literals) {
      if (masked.includes(literal)) masked = masked.split(literal).join(REDACTED);
    }
    if (literals.length > 0 && masked.includes(CUT_MARK)) {
      masked = maskCutPrefixes(masked, literals);
    }
    return maskPatterns(masked);
  };
}

const URL_PARAM = new RegExp(`([?&#;]${CREDENTIAL_PARAM})([^&#]*)`, 'gi');
const USERINFO = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#@]*)@/i;

/**
 * Masks the credentials of a URL: the value of every query or fragment parameter whose name
 * contains token, ticket, key, secret, signature, password, auth, credential or session (in any
 * case), and the userinfo's password, or the user part when it stands alone (a token); everything
 * else stays byte for byte.
 */
export function redactUrl(url: string): string {
  const withoutPassword = url.replace(USERINFO, (_match, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    const user = colon === -1 ? REDACTED : `${userinfo.slice(0, colon)}:${REDACTED}`;
    return `${scheme}${user}@`;
  });
  const queryStart = withoutPassword.search(/[?#]/);
  if (queryStart === -1) return withoutPassword;
  return (
    withoutPassword.slice(0, queryStart) +
    withoutPassword.slice(queryStart).replace(URL_PARAM, `$1${REDACTED}`)
  );
}

/**
 * The credentials of a URL's user part, decoded: the password, and `user:password` as Basic
 * authentication carries them (base64), or the user part alone when it has no password.
 */
export function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const user = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (password !== '') return [password, `${user}:${password}`];
  return user === '' ? [] : [user];
}

/**
 * A copy of a JSON-like value with every string, keys included, passed through `redact`: a
 * document is masked before any renderer escapes or shortens it, which could split a secret.
 * Objects come back without a prototype, so that a `__proto__` member stays a member.
 */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  return redactValue(value, redact) as T;
}

function redactValue(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, redact));
  if (typeof value !== 'object' || value === null) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) out[redact(key)] = redactValue(item, redact);
  return out;
}
