import { UsageError } from '../shared/errors.js';
import type { ConfiguredHeaders } from './option-row.js';

/** One header of the upgrade request, as `--header` gives it. */
export interface GivenHeader {
  name: string;
  value: string;
}

/** What is wrong with a header, and what to do about it. */
export interface HeaderProblem {
  problem: string;
  hint: string;
}

type Env = Readonly<Record<string, string | undefined>>;

// A word in any casing without a flag, so that a pattern holds in a JSON Schema too.
const anyCase = (word: string): string => word.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`);

/** The shapes of a header as flag-free patterns: checked here, and by the config file's JSON Schema. */
export const HEADER_PATTERNS = {
  // The characters of an HTTP token (RFC 9110), which is what a header name is.
  name: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
  // What the WebSocket handshake sets itself: a given value would break it or be overwritten.
  handshake: `^(${['host', 'upgrade', 'connection'].map(anyCase).join('|')}|${anyCase('sec-websocket-')}.*)$`,
  // Set with --origin, which checks it.
  origin: `^${anyCase('origin')}$`,
  // A field value: visible ASCII, spaces, tabs and Latin-1; no line break or other control character.
  value: '^[\\t\\x20-\\x7e\\x80-\\xff]*$',
} as const;

const HEADER_NAME = new RegExp(HEADER_PATTERNS.name);
const HEADER_VALUE = new RegExp(HEADER_PATTERNS.value);
const HANDSHAKE_HEADER = new RegExp(HEADER_PATTERNS.handshake);
const ORIGIN_HEADER = new RegExp(HEADER_PATTERNS.origin);

const EXAMPLE = "e.g. --header 'X-Team: agents'";

/** What is wrong with a header name given for the upgrade request, if anything. */
export function headerNameProblem(name: string): HeaderProblem | undefined {
  if (!HEADER_NAME.test(name)) {
    return {
      problem: 'is not a header name',
      hint: `a header name is letters, digits and - (no spaces), ${EXAMPLE}`,
    };
  }
  if (HANDSHAKE_HEADER.test(name)) {
    return {
      problem: 'is set by the WebSocket handshake itself',
      hint: 'drop it; the token travels as a subprotocol with --auth subprotocol',
    };
  }
  if (ORIGIN_HEADER.test(name)) {
    return {
      problem: 'is set with --origin',
      hint: 'use --origin <url> (or "origin" for the environment in the config file)',
    };
  }
  return undefined;
}

/** What is wrong with a header value, if anything; the problem never quotes the value. */
export function headerValueProblem(value: string): HeaderProblem | undefined {
  if (HEADER_VALUE.test(value)) return undefined;
  return {
    problem: 'has a line break, a control character or a character beyond Latin-1 in its value',
    hint: 'give the value on one line, in ASCII or Latin-1',
  };
}

function usage(code: string, where: string, found: HeaderProblem): UsageError {
  return new UsageError(code, `${where} ${found.problem}`, { hint: found.hint });
}

/**
 * Parses `--header 'Name: value'` (spaces around either part are dropped); a bad name, a value
 * with a control character, or a header the handshake sets is a usage error that names the
 * header and never quotes its value, which may be a secret.
 */
export function parseHeader(text: string, source: string): GivenHeader {
  const colon = text.indexOf(':');
  if (colon === -1) {
    const message = `${source}: a header is "Name: value", and this one has no ":"`;
    throw new UsageError('BAD_HEADER', message, { hint: EXAMPLE });
  }
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).trim();
  const where = `${source} "${name}"`;
  const badName = headerNameProblem(name);
  if (badName) {
    throw usage(HEADER_NAME.test(name) ? 'RESERVED_HEADER' : 'BAD_HEADER', where, badName);
  }
  const badValue = headerValueProblem(value);
  if (badValue) throw usage('BAD_HEADER', where, badValue);
  return { name, value };
}

/** Headers in the order given, a later one replacing an earlier one of the same name in any case. */
export function mergeHeaders(
  ...layers: readonly Readonly<Record<string, string>>[]
): Record<string, string> {
  // Keyed by the lower-case name, keeping the casing of the header that won.
  const merged = new Map<string, [string, string]>();
  for (const layer of layers) {
    for (const [name, value] of Object.entries(layer)) {
      merged.delete(name.toLowerCase());
      merged.set(name.toLowerCase(), [name, value]);
    }
  }
  // fromEntries defines each header as its own property, even one named __proto__.
  return Object.fromEntries(merged.values());
}

/** Where the headers of a run come from: the environment's config field, and --header. */
export interface HeaderSources {
  flags: readonly GivenHeader[] | undefined;
  configured: ConfiguredHeaders | undefined;
  /** Names the config field in messages: the file, then `"environments.NAME.headers`. */
  field: string;
  env: Env;
  /** True when the token travels in the Authorization header, which no header may replace. */
  tokenInHeader: boolean;
  warnings: string[];
}

/**
 * The extra headers of a run: the environment's (a `{"env": NAME}` value read from that env var),
 * then `--header` over them by name; a name given twice by flags is warned about, and one that
 * would replace the token's Authorization header is a usage error naming where it was given.
 */
export function resolveHeaders(sources: HeaderSources): Record<string, string> {
  const configured = Object.fromEntries(
    Object.entries(sources.configured ?? {}).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : fromEnv(name, value.env, sources),
    ]),
  );
  const flags = sources.flags ?? [];
  const seen = new Map<string, { name: string; count: number }>();
  for (const { name } of flags) {
    const entry = seen.get(name.toLowerCase()) ?? { name, count: 0 };
    entry.count += 1;
    seen.set(name.toLowerCase(), entry);
    if (entry.count === 2) {
      sources.warnings.push(`--header "${entry.name}" is given twice; the last one counts`);
    }
  }
  const merged = mergeHeaders(configured, ...flags.map(({ name, value }) => ({ [name]: value })));
  const authorization = Object.keys(merged).find((name) => name.toLowerCase() === 'authorization');
  if (sources.tokenInHeader && authorization !== undefined) {
    const where = seen.has('authorization')
      ? `--header "${authorization}"`
      : `${sources.field}.${authorization}"`;
    throw new UsageError(
      'HEADER_CLASHES_WITH_TOKEN',
      `${where} would replace the Authorization header that carries the token`,
      { hint: 'drop that header, or send the token with --auth subprotocol or --auth query' },
    );
  }
  return merged;
}

function fromEnv(name: string, variable: string, sources: HeaderSources): string {
  const where = `${sources.field}.${name}"`;
  const value = sources.env[variable];
  if (!value) {
    throw new UsageError('HEADER_ENV_EMPTY', `${where} names ${variable}, which is not set`, {
      hint: `export ${variable}=... with the value, or remove the header`,
    });
  }
  if (headerValueProblem(value)) {
    throw new UsageError(
      'BAD_HEADER',
      `${where}: the value of ${variable} has a line break, a control character or a character beyond Latin-1`,
      { hint: 'set the variable to the value alone, on one line' },
    );
  }
  return value;
}
