import { UsageError } from '../shared/errors.js';
import type { ProxyRoute } from '../shared/proxy-tunnel.js';
import { redactUrl, urlCredentials } from '../shared/redact.js';

type Env = Readonly<Record<string, string | undefined>>;

// The variables that name a proxy per scheme, lower case first as curl reads them. ws:// travels
// like http:// and wss:// like https://.
const PROXY_VARS: Readonly<Record<string, readonly string[]>> = {
  'http:': ['http_proxy', 'HTTP_PROXY'],
  'ws:': ['http_proxy', 'HTTP_PROXY'],
  'https:': ['https_proxy', 'HTTPS_PROXY'],
  'wss:': ['https_proxy', 'HTTPS_PROXY'],
};
const NO_PROXY_VARS = ['no_proxy', 'NO_PROXY'];
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  'http:': 80,
  'ws:': 80,
  'https:': 443,
  'wss:': 443,
};

/** Every environment variable that may name a proxy, for the secrets of their credentials. */
export const PROXY_ENV_VARS = [...new Set(Object.values(PROXY_VARS).flat())];

/** The credentials of a proxy URL, which may leave out its scheme (`user:password@host:port`). */
export function proxyCredentials(url: string): string[] {
  return urlCredentials(url.includes('://') ? url : `http://${url}`);
}

/**
 * Checks a proxy URL (`http://user:password@host:port`, or `host:port` for http://) and returns it
 * normalised; anything but an http:// or https:// proxy is a usage error that masks credentials.
 */
export function parseProxyUrl(text: string, source: string): string {
  const withScheme = text.includes('://') ? text : `http://${text}`;
  let url: URL | null = null;
  try {
    url = new URL(withScheme);
  } catch {
    // Reported below with the others.
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UsageError(
      'BAD_PROXY',
      `${source}: "${redactUrl(text)}" is not an http:// or https:// proxy URL`,
      {
        hint: 'ws-validate tunnels through an HTTP proxy with CONNECT: give http://host:port, with user:password@ before the host when it needs credentials',
      },
    );
  }
  return url.href;
}

/** The first of `names` set to a non-empty value in `env`. */
function firstSet(names: readonly string[], env: Env): { name: string; value: string } | undefined {
  for (const name of names) {
    const value = env[name];
    if (value) return { name, value };
  }
  return undefined;
}

/**
 * The proxy for a connection to `target` (a ws://, wss://, http:// or https:// URL): `--proxy`,
 * else the variable of its scheme (HTTPS_PROXY for wss:// and https://, HTTP_PROXY for ws:// and
 * http://, lower case first); none when NO_PROXY lists its host.
 */
export function chooseProxy(target: string, flag: string | undefined, env: Env): ProxyRoute | null {
  const url = new URL(target);
  const noProxy = firstSet(NO_PROXY_VARS, env)?.value ?? '';
  if (goesDirect(url, noProxy)) return null;
  if (flag !== undefined) return { url: flag, source: '--proxy' };
  const found = firstSet(PROXY_VARS[url.protocol] ?? [], env);
  if (found === undefined) return null;
  return { url: parseProxyUrl(found.value, found.name), source: found.name };
}

/**
 * True when a NO_PROXY list names the URL's host: `*` names every host; an entry names its host
 * and the host's subdomains (a leading `.` or `*.` changes nothing), an IP address itself only;
 * `:port` after an entry limits it to that port. Entries are split at commas and spaces.
 */
export function goesDirect(url: URL, noProxy: string): boolean {
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
  const port = Number(url.port) || DEFAULT_PORTS[url.protocol] || 0;
  return noProxy
    .split(/[\s,]+/)
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      const { name, entryPort } = splitEntry(entry.toLowerCase());
      if (entryPort !== undefined && entryPort !== port) return false;
      if (isIpAddress(host) || isIpAddress(name)) return host === name;
      return host === name || host.endsWith(`.${name}`);
    });
}

// An IPv4 or IPv6 address, as a URL's host name gives it (node:net would cost start-up time).
function isIpAddress(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':');
}

// `[::1]:8080`, `::1`, `host:8080`, `.host`, `*.host` or `host`.
function splitEntry(entry: string): { name: string; entryPort?: number } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) {
    const [, name = '', port] = bracketed;
    return { name, ...(port ? { entryPort: Number(port) } : {}) };
  }
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  const [, bare = entry, port] = withPort ?? [];
  return { name: bare.replace(/^\*?\./, ''), ...(port ? { entryPort: Number(port) } : {}) };
}
