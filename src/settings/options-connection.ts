import { parseHeader } from './headers.js';
import { parseOrigin } from './parse.js';
import { parseProxyUrl } from './proxy.js';
import { shaped, type OptionRow } from './option-row.js';

/** The options of the connection itself: TLS trust, the extra headers of the upgrade, the proxy. */
export const CONNECTION_ROWS = [
  {
    key: 'ca',
    flags: '--ca <file>',
    help: 'PEM certificates to trust besides the default ones, for wss:// and the E2E token request',
    group: 'Connection',
  },
  {
    key: 'insecure',
    flags: '--insecure',
    help: 'do not verify TLS certificates (wss:// and the E2E token request)',
    group: 'Connection',
  },
  {
    key: 'header',
    flags: '-H, --header <header>',
    help: 'an extra header for the WebSocket upgrade, "Name: value"',
    group: 'Connection',
    parse: parseHeader,
    repeatable: true,
  },
  {
    key: 'headers',
    config: 'headers',
    help: 'extra headers of the WebSocket upgrade: a value, or {"env": NAME} to read it from that env var',
  },
  {
    key: 'origin',
    flags: '--origin <url>',
    help: 'the Origin header of the upgrade, as a page at this origin sends it',
    group: 'Connection',
    parse: shaped(parseOrigin, { pattern: '^[hH][tT][tT][pP][sS]?://' }),
    config: 'string',
  },
  {
    key: 'proxy',
    flags: '--proxy <url>',
    help: 'HTTP proxy (CONNECT) for the WebSocket and the E2E token request, over HTTPS_PROXY and HTTP_PROXY',
    group: 'Connection',
    parse: parseProxyUrl,
  },
] as const satisfies readonly OptionRow[];
