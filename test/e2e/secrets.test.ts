import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';
import { signTestToken } from '../helpers/server-client.js';
import { canonicalEvents, startWsFaultServer, type FaultServer } from '../helpers/fault-servers.js';
import { startTestProxy, type TestProxy } from '../helpers/proxy-server.js';

const SECRET = 'planted-jwt-secret-7f3a9c2e5b1d';
// Values of headers whose names say they are credentials, planted like the token.
const HEADER_SECRET = 'planted-api-key-4c1d8e0f';
const COOKIE_SECRET = 'planted-cookie-9b2a7c3d';
const CONFIG_HEADER_SECRET = 'planted-config-key-6e5f4a3b';
// The password of a proxy URL, and the two ways it travels: decoded and as Proxy-Authorization.
const PROXY_PASSWORD = 'planted-proxy-pw-2f7e1a9c';
const PROXY_AUTHORIZATION = Buffer.from(`proxy-user:${PROXY_PASSWORD}`).toString('base64');
const PLANTED = [
  SECRET,
  HEADER_SECRET,
  COOKIE_SECRET,
  CONFIG_HEADER_SECRET,
  PROXY_PASSWORD,
  PROXY_AUTHORIZATION,
];
const FAST = ['--first-event-timeout', '1s', '--timeout', '3s', '--grace', '50ms'];

let server: ReferenceServer;
let echo: FaultServer;
let proxy: TestProxy;
let token: string;
let signature: string;
let root: string;
let refusedPort: number;

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 10 });
  token = await signTestToken(SECRET, { sub: 'secret-test-user' });
  signature = token.split('.')[2] ?? '';
  root = await mkdtemp(join(tmpdir(), 'ws-validate-secrets-'));
  refusedPort = await freePort();
  proxy = await startTestProxy({ credentials: `proxy-user:${PROXY_PASSWORD}` });
  // A server that shows a client its own upgrade headers: in a frame, as text and as a close reason.
  echo = await startWsFaultServer(async (peer) => {
    const ids = await peer.trigger;
    const [started, thinking, executing, toolCompleted, completed] = canonicalEvents(ids);
    peer.send(started);
    peer.send({ type: 'heartbeat', echo: peer.headers });
    peer.ws.send(`headers: ${JSON.stringify(peer.headers)}`);
    for (const event of [thinking, executing, toolCompleted, completed]) peer.send(event);
    const reason = [peer.headers['x-api-key'], peer.headers['x-config-key']].join('');
    setTimeout(() => peer.ws.close(4000, reason.slice(0, 120)), 20);
  });
  await writeFile(
    join(root, 'headers.config.json'),
    JSON.stringify({
      environments: {
        echo: { url: echo.url, headers: { 'X-Config-Key': { env: 'PLANTED_CONFIG_KEY' } } },
      },
    }),
  );
});

afterAll(async () => {
  await proxy.close();
  await echo.close();
  await server.close();
  await rm(root, { recursive: true, force: true });
});

/** One way of running the CLI with a planted secret, and the exit code it must end with. */
interface Case {
  name: string;
  exitCode: number;
  args: (dir: string) => string[];
  /** Also write every report format, a recording and a GitHub step summary. */
  files?: boolean;
  env?: () => Record<string, string>;
}

const CASES: Case[] = [
  {
    name: 'token in the header',
    exitCode: 0,
    files: true,
    args: () => ['--url', server.url, '--token', token, '--auth', 'header', '--verbose'],
  },
  {
    name: 'token in a subprotocol',
    exitCode: 0,
    files: true,
    args: () => ['--url', server.url, '--token', token, '--auth', 'subprotocol', '--verbose'],
  },
  {
    name: 'token in the query',
    exitCode: 0,
    files: true,
    args: () => ['--url', server.url, '--token', token, '--auth', 'query', '--verbose'],
  },
  {
    name: 'token with --json',
    exitCode: 0,
    files: true,
    args: () => ['--url', server.url, '--token', token, '--auth', 'query', '--json', '--verbose'],
  },
  {
    name: 'a token minted with --jwt-secret',
    exitCode: 0,
    files: true,
    args: () => ['--url', server.url, '--jwt-secret', SECRET, '--verbose'],
  },
  {
    name: 'an auth failure (101, AUTH_FAILED, 1008)',
    exitCode: 4,
    files: true,
    args: () => ['--url', `${server.url}?scenario=auth_fail`, '--token', token, '--verbose'],
  },
  {
    name: 'an auth failure with the token from --token-file, as JSON',
    exitCode: 4,
    files: true,
    args: (dir) => [
      '--url',
      `${server.url}?scenario=auth_fail`,
      '--token-file',
      join(dir, 'token.txt'),
      '--auth',
      'query',
      '--json',
      '--verbose',
    ],
  },
  {
    name: 'a refused port whose URL carries ?token=',
    exitCode: 3,
    files: true,
    args: () => [
      '--url',
      `ws://127.0.0.1:${refusedPort}/ws?token=${token}`,
      '--token',
      token,
      '--retries',
      '1',
      '--verbose',
    ],
  },
  {
    name: 'secret --header values echoed back by the server',
    exitCode: 1,
    files: true,
    args: () => [
      ...['--url', echo.url, '--token', token, '--verbose'],
      ...['--header', `X-Api-Key: ${HEADER_SECRET}`, '-H', `Cookie: session=${COOKIE_SECRET}`],
    ],
  },
  {
    name: 'a secret header of the config file, from the env var it names, echoed back',
    exitCode: 1,
    files: true,
    env: () => ({ PLANTED_CONFIG_KEY: CONFIG_HEADER_SECRET }),
    args: () => [
      ...['--config', join(root, 'headers.config.json'), '--env', 'echo'],
      ...['--auth', 'query', '--token', token, '--verbose'],
    ],
  },
  {
    name: 'a proxy URL with credentials, through the proxy, its headers echoed back',
    exitCode: 1,
    files: true,
    env: () => ({ PLANTED_CONFIG_KEY: CONFIG_HEADER_SECRET }),
    args: () => [
      ...['--url', echo.url, '--token', token, '--verbose'],
      ...['--proxy', `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${proxy.port}`],
    ],
  },
  {
    name: 'a proxy URL with credentials in HTTPS_PROXY that nothing answers at',
    exitCode: 3,
    files: true,
    env: () => ({ HTTPS_PROXY: `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${refusedPort}` }),
    args: () => ['--url', 'wss://agents.example/ws', '--token', token, '--verbose'],
  },
  {
    name: 'a usage error naming a proxy URL with credentials',
    exitCode: 2,
    env: () => ({ HTTPS_PROXY: `socks5://proxy-user:${PROXY_PASSWORD}@127.0.0.1:1080` }),
    args: () => ['--url', 'wss://agents.example/ws', '--token', token],
  },
  {
    name: 'a usage error beside a secret --header',
    exitCode: 2,
    args: () => ['--url', echo.url, '--header', `X-Api-Key: ${HEADER_SECRET}`, '-H', 'Host: x'],
  },
  {
    name: 'a usage error naming a URL with ?token=',
    exitCode: 2,
    args: () => ['--url', `http//127.0.0.1/ws?token=${token}`, '--token', token],
  },
  {
    name: 'a non-WebSocket URL with the token in it',
    exitCode: 2,
    args: () => ['--url', `https://127.0.0.1/ws?token=${token}`, '--jwt-secret', SECRET],
  },
];

function fileArgs(dir: string): string[] {
  return [
    '--report',
    `junit=${join(dir, 'report.xml')}`,
    '--report',
    `json=${join(dir, 'report.json')}`,
    '--report',
    `markdown=${join(dir, 'report.md')}`,
    '--record',
    join(dir, 'recording.ndjson'),
  ];
}

async function readAll(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir);
  const entries = await Promise.all(
    names.map(async (name) => [name, await readFile(join(dir, name), 'utf8')] as const),
  );
  return Object.fromEntries(entries);
}

describe.concurrent('a planted token never reaches any output or file', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
    const dir = join(root, testCase.name.replace(/\W+/g, '-'));
    const out = join(dir, 'out');
    await mkdir(out, { recursive: true });
    await writeFile(join(dir, 'token.txt'), `${token}\n`);
    const summary = join(out, 'step-summary.md');
    const result = await runCli(
      [...testCase.args(dir), ...FAST, ...(testCase.files ? fileArgs(out) : [])],
      { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, ...testCase.env?.() } },
    );

    expect(result.code, result.stderr).toBe(testCase.exitCode);
    const files = await readAll(out);
    if (testCase.files) {
      expect(Object.keys(files).sort()).toEqual([
        'recording.ndjson',
        'report.json',
        'report.md',
        'report.xml',
        'step-summary.md',
      ]);
    }
    const outputs: Record<string, string> = {
      stdout: result.stdout,
      stderr: result.stderr,
      ...files,
    };
    // The run did produce output worth searching.
    expect(result.stdout + result.stderr).not.toBe('');
    for (const [where, text] of Object.entries(outputs)) {
      expect(text.includes(token), `the token in ${where}`).toBe(false);
      expect(text.includes(signature), `the token's signature in ${where}`).toBe(false);
      for (const planted of PLANTED) {
        expect(text.includes(planted), `${planted} in ${where}`).toBe(false);
      }
    }
  });
});

// A token a hostile server echoes where ws-validate shortens text: every cut must hide the part of
// the token it leaves, whatever the offset.
const CANARY = 'SECRETCANARY-opaque-0123456789abcdefghij';
// A cut that leaves fewer characters of a secret leaves them: they say nothing about it, and a
// JWT's first characters are those of every JWT.
const MIN_PREFIX = 4;

/** Pads `text` on the left so that a cut after `kept` characters leaves `offset` characters of the canary. */
function cutAt(kept: number, offset: number, fill: string): string {
  return fill.repeat(kept - offset) + CANARY;
}

let cutServer: FaultServer;

describe('a token cut by shortening, at every offset', () => {
  beforeAll(async () => {
    cutServer = await startWsFaultServer(async (peer) => {
      const offset = Number(new URL(peer.url, 'ws://x').searchParams.get('offset'));
      const ids = await peer.trigger;
      const [started, thinking, executing, toolCompleted] = canonicalEvents(ids);
      peer.send(started);
      // A schema failure's `actual` keeps 59 characters of the JSON value, the opening quote first.
      peer.send({ ...thinking, timestamp: cutAt(58, offset, 'a') });
      // The invalid_frame diagnosis quotes 79 characters of a non-JSON frame.
      peer.ws.send(cutAt(79, offset, 'b'));
      // An unknown type is listed under 99 characters.
      peer.send({ type: cutAt(99, offset, 'c') });
      // --verbose shows 400 characters of a frame: `{"type":"heartbeat","pad":"` is 27 of them.
      peer.send({ type: 'heartbeat', pad: cutAt(373, offset, 'd') });
      peer.send(executing);
      peer.send(toolCompleted);
      // An error text is quoted up to 299 characters.
      peer.send({
        type: 'agent_error',
        run_id: ids.runId,
        thread_id: ids.threadId,
        timestamp: 1,
        data: { error: cutAt(299, offset, 'e') },
      });
      // A close reason is cut by the server's own WebSocket library at the protocol's 123 bytes.
      peer.ws.close(4000, cutAt(123, offset, 'f').slice(0, 123));
    });
  });

  afterAll(async () => {
    await cutServer.close();
  });

  it.concurrent.each(Array.from({ length: CANARY.length + 1 }, (_, offset) => offset))(
    'cut after %i characters of the token: no output holds 4 or more of them',
    async (offset) => {
      const out = join(root, `cut-${offset}`);
      await mkdir(out, { recursive: true });
      const result = await runCli(
        [
          ...['--url', `${cutServer.url}?offset=${offset}`, '--token', CANARY, '--verbose'],
          ...['--grace', '300ms', '--timeout', '3s'],
          ...fileArgs(out),
        ],
        { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: join(out, 'step-summary.md') } },
      );
      expect(result.code, result.stderr).toBe(1);
      const outputs: Record<string, string> = {
        stdout: result.stdout,
        stderr: result.stderr,
        ...(await readAll(out)),
      };
      expect(Object.keys(outputs)).toHaveLength(7);
      // The run did show the padded value (shortened, but for the last offset).
      expect(result.stdout).toMatch(
        offset < CANARY.length ? /actual: +"a+\S*…/ : /actual: +"a+\*\*\*"/,
      );
      for (const [where, text] of Object.entries(outputs)) {
        for (let length = MIN_PREFIX; length <= CANARY.length; length += 1) {
          const prefix = CANARY.slice(0, length);
          expect(text.includes(prefix), `${length} characters of the token in ${where}`).toBe(
            false,
          );
        }
      }
    },
  );
});
