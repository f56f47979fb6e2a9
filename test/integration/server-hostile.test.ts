import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { KEY_AND_VERSION, sendRaw, upgradeRequest } from '../helpers/raw-http.js';
import { createClientPool, signTestToken } from '../helpers/server-client.js';

const SECRET = 'reference-server-hostile-secret';

let server: ReferenceServer;

beforeEach(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0 });
});

afterEach(async () => {
  await server.close();
});

const VERSION_13 = 'Sec-WebSocket-Version: 13\r\n';
const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';

// Each request is wrong in one way; the status is what ws or Node's HTTP parser answers.
const BAD_REQUESTS: { name: string; request: string; status: number }[] = [
  { name: 'a POST upgrade', request: upgradeRequest('/ws', KEY_AND_VERSION, 'POST'), status: 405 },
  { name: 'no Sec-WebSocket-Key', request: upgradeRequest('/ws', VERSION_13), status: 400 },
  {
    name: 'a doubled Sec-WebSocket-Key',
    request: upgradeRequest('/ws', `${KEY}${KEY}${VERSION_13}`),
    status: 400,
  },
  {
    name: 'version 99',
    request: upgradeRequest('/ws', `${KEY}Sec-WebSocket-Version: 99\r\n`),
    status: 400,
  },
  {
    name: 'a short key',
    request: upgradeRequest('/ws', `Sec-WebSocket-Key: c2hvcnQ=\r\n${VERSION_13}`),
    status: 400,
  },
  {
    name: 'a repeated subprotocol',
    request: upgradeRequest('/ws', `${KEY_AND_VERSION}Sec-WebSocket-Protocol: jwt.x, jwt.x\r\n`),
    status: 400,
  },
  {
    name: 'headers over 16 KB',
    request: upgradeRequest('/ws', `${KEY_AND_VERSION}X-Padding: ${'a'.repeat(17 * 1024)}\r\n`),
    status: 431,
  },
  {
    name: 'an unknown method',
    request: upgradeRequest('/ws', KEY_AND_VERSION, 'FOO'),
    status: 400,
  },
  {
    name: 'a bad Content-Length',
    request: upgradeRequest('/ws', `${KEY_AND_VERSION}Content-Length: twelve\r\n`),
    status: 400,
  },
];

describe('bad upgrade requests', () => {
  it.each(BAD_REQUESTS)('answers $name with $status and closes', async ({ request, status }) => {
    const answer = await sendRaw(server.port, request);
    expect(answer.status).toBe(status);
    expect(answer.closedByServer).toBe(true);
  });

  it('answers 500 of them and holds no socket afterwards', async () => {
    const tcpSockets = () =>
      process.getActiveResourcesInfo().filter((name) => name === 'TCPSocketWrap').length;
    const before = tcpSockets();
    const answers = await Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const bad = BAD_REQUESTS[i % BAD_REQUESTS.length]!;
        return sendRaw(server.port, bad.request, 5000).then((answer) => ({ answer, bad }));
      }),
    );
    const wrong = answers.filter(
      ({ answer, bad }) => answer.status !== bad.status || !answer.closedByServer,
    );
    expect(wrong.map(({ bad, answer }) => `${bad.name}: ${answer.status}`)).toEqual([]);
    // Both ends of every connection live in this process; a socket the server kept would stay.
    const deadline = Date.now() + 1000;
    while (tcpSockets() > before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tcpSockets()).toBe(before);
  });
});

describe('the log', () => {
  // C0 (with ESC, CR and LF), DEL and C1 (CSI): what would move a cursor, recolour or forge a line.
  // eslint-disable-next-line no-control-regex
  const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

  async function loggingServer(): Promise<{ server: ReferenceServer; lines: string[] }> {
    const lines: string[] = [];
    const own = await startReferenceServer({
      jwtSecret: SECRET,
      stepDelayMs: 0,
      log: (line) => lines.push(line),
    });
    return { server: own, lines };
  }

  async function waitFor(lines: string[], pattern: RegExp): Promise<string> {
    const deadline = Date.now() + 2000;
    for (;;) {
      const line = lines.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline)
        throw new Error(`no log line ${pattern}; got ${lines.join(' | ')}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('escapes control characters of ?scenario=', async () => {
    const { server: own, lines } = await loggingServer();
    try {
      const scenario = encodeURIComponent(
        '\u001b[2J\r\n2025-01-01 main_x open user=admin\u009b31m',
      );
      const answer = await sendRaw(
        own.port,
        upgradeRequest(`/ws?scenario=${scenario}`, KEY_AND_VERSION),
      );
      expect(answer.status).toBe(400);
      const line = await waitFor(lines, /unknown scenario/);
      expect(line).not.toMatch(CONTROL);
      expect(line).toContain('\\x1b[2J\\r\\n2025-01-01 main_x open user=admin\\x9b31m');
      expect(lines.every((l) => !CONTROL.test(l))).toBe(true);
    } finally {
      await own.close();
    }
  });

  it("escapes control characters of a token's sub", async () => {
    const { server: own, lines } = await loggingServer();
    const pool = createClientPool();
    try {
      const sub = 'evil\u001b]0;pwned\u0007\nmain_y open user=root\u007f';
      const token = await signTestToken(SECRET, { sub });
      const client = await pool.open(own.url, { headers: { Authorization: `Bearer ${token}` } });
      await client.nextJson('connection_established');
      const line = await waitFor(lines, /open user=/);
      expect(line).not.toMatch(CONTROL);
      expect(line).toContain('user=evil\\x1b]0;pwned\\x07\\nmain_y open user=root\\x7f');
      expect(lines.every((l) => !CONTROL.test(l))).toBe(true);
    } finally {
      pool.terminateAll();
      await own.close();
    }
  });
});
