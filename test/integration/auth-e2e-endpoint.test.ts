import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchE2eToken } from '../../src/auth/e2e.js';
import { AuthError, ConnectionError } from '../../src/shared/errors.js';

const KEY = 'e2e-bypass-key-for-tests';

interface SeenRequest {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: unknown;
}

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A stand-in auth service: answers with `respond` and records what it was sent. */
async function startAuthService(
  respond: (request: SeenRequest, response: ServerResponse) => void,
): Promise<{ url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const request = {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: text ? (JSON.parse(text) as unknown) : undefined,
      };
      seen.push(request);
      respond(request, res);
    });
  });
  server.on('error', () => {});
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, seen };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function fetchToken(authUrl: string, overrides: { timeoutMs?: number } = {}) {
  return fetchE2eToken({
    authUrl,
    key: KEY,
    email: 'e2e@ws-validate.test',
    timeoutMs: overrides.timeoutMs ?? 2_000,
  });
}

describe('fetchE2eToken', () => {
  it('posts the documented request and returns the access token', async () => {
    const service = await startAuthService((req, res) => {
      const ok = req.headers['x-e2e-bypass-key'] === KEY;
      json(res, ok ? 200 : 401, {
        access_token: 'access-token-value',
        refresh_token: 'r',
        token_type: 'Bearer',
        expires_in: 900,
        user: { id: 'u1', email: 'e2e@ws-validate.test' },
      });
    });

    await expect(fetchToken(`${service.url}/`)).resolves.toBe('access-token-value');
    expect(service.seen).toHaveLength(1);
    const [request] = service.seen;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/auth/e2e/test-auth');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.body).toEqual({
      email: 'e2e@ws-validate.test',
      name: 'e2e',
      permissions: ['read', 'write'],
      simulate_oauth: true,
    });
  });

  it('sends the given name and permissions', async () => {
    const service = await startAuthService((_req, res) => json(res, 200, { access_token: 't' }));
    await fetchE2eToken({
      authUrl: service.url,
      key: KEY,
      email: 'a@b.c',
      name: 'Agent Tester',
      permissions: ['read'],
      timeoutMs: 2_000,
    });
    expect(service.seen[0]?.body).toMatchObject({ name: 'Agent Tester', permissions: ['read'] });
  });

  it('reports 401 as an AuthError E2E_KEY_REJECTED without the key', async () => {
    const service = await startAuthService((_req, res) => json(res, 401, { detail: 'bad key' }));
    const error = await fetchToken(service.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'E2E_KEY_REJECTED', exitCode: 4 });
    expect((error as Error).message).toContain(service.url);
    expect((error as Error).message).not.toContain(KEY);
  });

  it('reports 403 as an AuthError E2E_FORBIDDEN', async () => {
    const service = await startAuthService((_req, res) => json(res, 403, { detail: 'production' }));
    const error = await fetchToken(service.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'E2E_FORBIDDEN', exitCode: 4 });
  });

  it('reports a refused connection as AUTH_SERVICE_UNREACHABLE', async () => {
    const service = await startAuthService(() => {});
    const server = servers.pop();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const error = await fetchToken(service.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'AUTH_SERVICE_UNREACHABLE', exitCode: 3 });
    expect((error as Error).message).toContain('ECONNREFUSED');
  });

  it('reports a service that never answers as AUTH_SERVICE_UNREACHABLE at the deadline', async () => {
    const service = await startAuthService(() => {});
    const started = performance.now();
    const error = await fetchToken(service.url, { timeoutMs: 200 }).catch((e: unknown) => e);
    const elapsed = performance.now() - started;

    expect(error).toMatchObject({ code: 'AUTH_SERVICE_UNREACHABLE', exitCode: 3 });
    expect((error as Error).message).toContain('200 ms');
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(2_000);
  });

  it.each([
    ['a body that is not JSON', 200, 'text/html', '<html>gateway</html>', 'not JSON'],
    ['JSON without access_token', 200, 'application/json', '{"token":"x"}', 'access_token'],
    ['an empty access_token', 200, 'application/json', '{"access_token":""}', 'access_token'],
    ['JSON that is not an object', 200, 'application/json', '"token"', 'access_token'],
    ['a 404 (E2E auth disabled)', 404, 'application/json', '{"detail":"Not Found"}', 'HTTP 404'],
  ])('reports %s as AUTH_SERVICE_BAD_RESPONSE', async (_name, status, type, body, mention) => {
    const service = await startAuthService((_req, res) => {
      res.writeHead(status, { 'Content-Type': type });
      res.end(body);
    });
    const error = await fetchToken(service.url).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ code: 'AUTH_SERVICE_BAD_RESPONSE', exitCode: 3 });
    expect((error as Error).message).toContain(mention);
  });
});

describe('fetchE2eToken and redirects', () => {
  it.each([301, 302, 307, 308])(
    'follows no %i: the key never reaches the other address, and the error says so',
    async (status) => {
      const other = await startAuthService((_req, res) =>
        json(res, 200, { access_token: 'stolen' }),
      );
      const service = await startAuthService((_req, res) => {
        res.writeHead(status, { Location: `${other.url}/auth/e2e/test-auth?token=abc` });
        res.end();
      });
      const error = await fetchToken(service.url).catch((e: unknown) => e);

      expect(other.seen).toHaveLength(0);
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error).toMatchObject({ code: 'AUTH_SERVICE_REDIRECT', exitCode: 3 });
      expect((error as Error).message).toBe(
        `The auth service at ${service.url}/auth/e2e/test-auth answered HTTP ${status} with a redirect to ${other.url}/auth/e2e/test-auth?token=***, which was not followed: the E2E key goes to the configured address only.`,
      );
      expect((error as ConnectionError).hint).toMatch(/authUrl/);
    },
  );
});

describe('fetchE2eToken and Ctrl-C', () => {
  it('stops waiting for a silent auth service and reports an interruption (exit 130)', async () => {
    const service = await startAuthService(() => undefined);
    const controller = new AbortController();
    const started = performance.now();
    const pending = fetchE2eToken({
      authUrl: service.url,
      key: KEY,
      email: 'e2e@ws-validate.test',
      timeoutMs: 5_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
