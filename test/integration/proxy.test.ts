import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConnectionError, validate } from '../../src/index.js';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';
import {
  playCanonicalRun,
  startWsFaultServer,
  type FaultServer,
} from '../helpers/fault-servers.js';
import { startRefusingProxy, startTestProxy, type TestProxy } from '../helpers/proxy-server.js';
import { signTestToken } from '../helpers/server-client.js';

const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));
const FAST = ['--first-event-timeout', '2s', '--timeout', '4s', '--grace', '50ms'];
const JWT_SECRET = 'proxy-test-jwt-secret-1234';
const E2E_KEY = 'proxy-test-e2e-key-5678';
const PROXY_PASSWORD = 'proxy-password-planted-9c8b';

interface ReportShape {
  exitCode: number;
  error?: { code: string; message: string; hint?: string };
}

let reference: ReferenceServer;
let secure: FaultServer;
let proxy: TestProxy;
let guarded: TestProxy;
let refusing: TestProxy;
let deadPort: number;
let auth: Server;
let secureAuth: Server;
let token: string;
let dir: string;

function hostOf(url: string): string {
  return new URL(url).host;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** An auth service whose E2E endpoint hands out the test token for the right key. */
function authService(server: Server): Promise<string> {
  server.on('request', (req, res) => {
    const ok = req.headers['x-e2e-bypass-key'] === E2E_KEY;
    res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(ok ? { access_token: token } : { detail: 'no' }));
  });
  server.on('tlsClientError', () => undefined);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(String((server.address() as AddressInfo).port))),
  );
}

beforeAll(async () => {
  reference = await startReferenceServer({ jwtSecret: JWT_SECRET, stepDelayMs: 5 });
  token = await signTestToken(JWT_SECRET, { sub: 'proxy-user' });
  const tls = { cert: await readFile(CERT), key: await readFile(KEY) };
  secure = await startWsFaultServer((peer) => playCanonicalRun(peer), { tls });
  proxy = await startTestProxy();
  guarded = await startTestProxy({ credentials: `proxy-user:${PROXY_PASSWORD}` });
  refusing = await startRefusingProxy();
  deadPort = await freePort();
  auth = createServer();
  const authPort = await authService(auth);
  secureAuth = createHttpsServer(tls);
  const secureAuthPort = await authService(secureAuth);
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-proxy-'));
  await writeFile(
    join(dir, 'e2e.json'),
    JSON.stringify({
      environments: {
        plain: { url: reference.url, authUrl: `http://127.0.0.1:${authPort}` },
        secure: { url: secure.url, authUrl: `https://127.0.0.1:${secureAuthPort}` },
      },
    }),
  );
});

afterAll(async () => {
  await Promise.all([reference.close(), secure.close(), proxy.close(), guarded.close()]);
  await refusing.close();
  for (const server of [auth, secureAuth]) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await rm(dir, { recursive: true, force: true });
});

/** Runs against the reference server with a minted token; `env` holds the proxy variables. */
function viaReference(env: Record<string, string>, ...extra: string[]) {
  return runCli(['--url', reference.url, '--jwt-secret', JWT_SECRET, ...FAST, ...extra], { env });
}

function reportOf(stdout: string): ReportShape {
  return JSON.parse(stdout) as ReportShape;
}

describe('a run through an HTTP proxy', () => {
  it('tunnels ws:// with CONNECT through HTTP_PROXY', async () => {
    const before = proxy.connects.length;
    const result = await viaReference({ HTTP_PROXY: proxy.url });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects.slice(before).map((c) => c.target)).toEqual([hostOf(reference.url)]);
    expect(proxy.requests).toEqual([]);
  });

  it('tunnels wss:// with CONNECT through https_proxy, TLS checked inside the tunnel', async () => {
    const before = proxy.connects.length;
    const env = { https_proxy: proxy.url };
    const result = await runCli(
      ['--url', secure.url, '--token', 'any-token', ...FAST, '--ca', CERT],
      {
        env,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects.slice(before).map((c) => c.target)).toEqual([hostOf(secure.url)]);
    const untrusted = await runCli(['--url', secure.url, '--token', 'any', ...FAST, '--json'], {
      env,
    });
    expect(untrusted.code).toBe(3);
    expect(reportOf(untrusted.stdout).error?.code).toBe('TLS_FAILED');
  });

  it('takes --proxy over the variables', async () => {
    const before = proxy.connects.length;
    const deadProxy = `http://127.0.0.1:${deadPort}`;
    const result = await viaReference({ HTTP_PROXY: deadProxy }, '--proxy', proxy.url);
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects).toHaveLength(before + 1);
  });

  it('goes direct to a host NO_PROXY lists: the proxy sees nothing', async () => {
    const before = proxy.connects.length;
    const result = await viaReference({ HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects).toHaveLength(before);
  });

  it('never takes --env embedded through a proxy', async () => {
    const before = proxy.connects.length;
    const env = { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url };
    const result = await runCli(['--env', 'embedded', ...FAST], { env });
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects).toHaveLength(before);
  });

  it('sends the credentials of the proxy URL as Proxy-Authorization', async () => {
    const before = guarded.connects.length;
    const withCredentials = `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`;
    const result = await viaReference({ HTTP_PROXY: withCredentials }, '--verbose');
    expect(result.code, result.stderr).toBe(0);
    const expected = `Basic ${Buffer.from(`proxy-user:${PROXY_PASSWORD}`).toString('base64')}`;
    expect(guarded.connects.slice(before).map((c) => c.authorization)).toEqual([expected]);
    expect(result.stdout + result.stderr).not.toContain(PROXY_PASSWORD);
  });
});

describe('a proxy that does not let the run through', () => {
  it('that is not there ends the run with exit 3, naming the proxy, masked', async () => {
    const url = `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${deadPort}`;
    const result = await viaReference({ HTTP_PROXY: url }, '--json');
    expect(result.code).toBe(3);
    const { error } = reportOf(result.stdout);
    expect(error?.code).toBe('PROXY_UNREACHABLE');
    expect(error?.message).toContain(`The proxy http://proxy-user:***@127.0.0.1:${deadPort}/`);
    expect(error?.message).toContain('(from HTTP_PROXY)');
    expect(error?.hint).toMatch(/HTTP_PROXY/);
    expect(result.stdout + result.stderr).not.toContain(PROXY_PASSWORD);
  });

  it('that never answers the CONNECT runs out the connect budget, naming the proxy', async () => {
    const silent = createNetServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}`;
      const result = await viaReference({}, '--proxy', url, '--connect-timeout', '300ms', '--json');
      expect(result.code).toBe(3);
      const { error } = reportOf(result.stdout);
      expect(error?.code).toBe('CONNECT_TIMEOUT');
      expect(error?.message).toBe(
        `Timed out after 300 ms waiting for the proxy ${url}/ (from --proxy) to open a tunnel to ${hostOf(reference.url)}.`,
      );
    } finally {
      silent.close();
    }
  });

  it('that refuses the CONNECT ends the run with exit 3, not as an auth failure', async () => {
    const result = await viaReference({}, '--proxy', refusing.url, '--json');
    expect(result.code).toBe(3);
    const { error } = reportOf(result.stdout);
    expect(error?.code).toBe('PROXY_REFUSED');
    expect(error?.message).toBe(
      `The proxy ${refusing.url}/ (from --proxy) refused a tunnel to ${hostOf(reference.url)} (HTTP 403 Forbidden).`,
    );
    expect(error?.hint).toMatch(/NO_PROXY/);
    expect(refusing.connects).toHaveLength(1);
  });

  it('that needs credentials it was not given says where to give them: exit 3', async () => {
    const result = await viaReference({ HTTP_PROXY: guarded.url }, '--json');
    expect(result.code).toBe(3);
    const { error } = reportOf(result.stdout);
    expect(error?.code).toBe('PROXY_AUTH_REQUIRED');
    expect(error?.message).toMatch(/HTTP 407/);
    expect(error?.hint).toBe(
      'Give them in the proxy URL of HTTP_PROXY, as user:password@ before its host.',
    );
  });

  it('that rejects the credentials it was given says to check them: exit 3', async () => {
    const wrong = `http://proxy-user:wrong-password@127.0.0.1:${guarded.port}`;
    const result = await viaReference({}, '--proxy', wrong, '--json');
    expect(result.code).toBe(3);
    const { error } = reportOf(result.stdout);
    expect(error?.code).toBe('PROXY_AUTH_REQUIRED');
    expect(error?.hint).toBe('Check the user and password in the proxy URL of --proxy.');
    expect(result.stdout + result.stderr).not.toContain('wrong-password');
  });
});

describe('the E2E token request', () => {
  const e2e = (env: string, vars: Record<string, string>, ...extra: string[]) =>
    runCli(
      ['--config', join(dir, 'e2e.json'), '--env', env, '--e2e-key', E2E_KEY, ...FAST, ...extra],
      { env: vars },
    );

  it('goes through the proxy as the WebSocket does', async () => {
    const before = proxy.connects.length;
    const result = await e2e('plain', { HTTP_PROXY: proxy.url });
    expect(result.code, result.stderr).toBe(0);
    const targets = proxy.connects.slice(before).map((c) => c.target);
    expect(targets).toHaveLength(2);
    expect(targets).toContain(hostOf(reference.url));
  });

  it('to an https:// auth service goes through HTTPS_PROXY, its certificate checked', async () => {
    const before = proxy.connects.length;
    const result = await e2e('secure', { HTTPS_PROXY: proxy.url }, '--ca', CERT);
    expect(result.code, result.stderr).toBe(0);
    expect(proxy.connects.slice(before)).toHaveLength(2);
  });

  it('refused by the proxy is a connection failure (exit 3), not a refused key', async () => {
    const result = await e2e('plain', { HTTP_PROXY: refusing.url }, '--json');
    expect(result.code).toBe(3);
    const { error } = reportOf(result.stdout);
    expect(error?.code).toBe('PROXY_REFUSED');
    expect(error?.message).toMatch(/refused a tunnel to 127\.0\.0\.1:\d+ \(HTTP 403 Forbidden\)/);
  });

  it('through a proxy that is not there is a connection failure naming the proxy', async () => {
    const result = await e2e('plain', { HTTP_PROXY: `http://127.0.0.1:${deadPort}` }, '--json');
    expect(result.code).toBe(3);
    expect(reportOf(result.stdout).error?.code).toBe('PROXY_UNREACHABLE');
  });
});

describe('the library', () => {
  it('reads the proxy variables only from envVars, never from the process', async () => {
    vi.stubEnv('HTTP_PROXY', `http://127.0.0.1:${deadPort}`);
    vi.stubEnv('http_proxy', `http://127.0.0.1:${deadPort}`);
    try {
      const options = { url: reference.url, jwtSecret: JWT_SECRET, grace: 0 };
      const before = proxy.connects.length;
      expect((await validate(options)).exitCode).toBe(0);
      expect(proxy.connects).toHaveLength(before);
      const report = await validate({ ...options, envVars: { HTTP_PROXY: proxy.url } });
      expect(report.exitCode).toBe(0);
      expect(proxy.connects.slice(before).map((c) => c.target)).toEqual([hostOf(reference.url)]);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('takes proxy as --proxy: credentials sent to the proxy alone, masked in the report', async () => {
    const before = guarded.connects.length;
    // The password also stands in the URL, which the report shows.
    const report = await validate({
      url: `${reference.url}?note=${PROXY_PASSWORD}`,
      jwtSecret: JWT_SECRET,
      grace: 0,
      proxy: `http://proxy-user:${PROXY_PASSWORD}@127.0.0.1:${guarded.port}`,
    });
    expect(report.exitCode).toBe(0);
    expect(guarded.connects).toHaveLength(before + 1);
    expect(JSON.stringify(report)).not.toContain(PROXY_PASSWORD);
  });

  it('throws ConnectionError (exit 3) when the proxy refuses the tunnel', async () => {
    const error = await validate({
      url: reference.url,
      jwtSecret: JWT_SECRET,
      proxy: refusing.url,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ exitCode: 3, code: 'PROXY_REFUSED' });
  });
});
