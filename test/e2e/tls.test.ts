import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import {
  connectionEstablished,
  playCanonicalRun,
  startWsFaultServer,
  type FaultServer,
} from '../helpers/fault-servers.js';

const CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));
const FAST = ['--first-event-timeout', '1s', '--timeout', '3s', '--grace', '50ms'];

interface ReportShape {
  exitCode: number;
  verdict: string;
  target: { url: string };
  error?: { code: string; message: string; hint?: string };
}

let server: FaultServer;

beforeAll(async () => {
  server = await startWsFaultServer(
    async (peer) => {
      peer.send(connectionEstablished());
      await playCanonicalRun(peer);
    },
    { tls: { cert: await readFile(CERT), key: await readFile(KEY) } },
  );
});

afterAll(async () => {
  await server.close();
});

async function validate(...extra: string[]) {
  const result = await runCli(['--url', server.url, '--token', 'any-token', ...FAST, ...extra]);
  return result;
}

describe.concurrent('wss:// with a self-signed certificate', () => {
  it('is rejected by default: exit 3, TLS_FAILED, a hint towards --ca and --insecure', async () => {
    const result = await validate('--json');
    const report = JSON.parse(result.stdout) as ReportShape;
    expect(server.url).toMatch(/^wss:\/\//);
    expect(result.code).toBe(3);
    expect(report.verdict).toBe('error');
    expect(report.error?.code).toBe('TLS_FAILED');
    expect(report.error?.message).toMatch(/self[- ]signed|certificate/i);
    expect(report.error?.hint).toMatch(/--ca/);
    expect(report.error?.hint).toMatch(/--insecure/);
  });

  it('shows the TLS failure and its hint in the human report', async () => {
    const result = await validate();
    expect(result.code).toBe(3);
    expect(result.stdout).toMatch(/TLS_FAILED/);
    expect(result.stdout).toMatch(/hint: .*--ca .*--insecure/);
  });

  it('is accepted with --ca and the certificate: exit 0, no warning', async () => {
    const result = await validate('--ca', CERT, '--json');
    const report = JSON.parse(result.stdout) as ReportShape;
    expect(result.code, result.stderr).toBe(0);
    expect(report.verdict).toBe('pass');
    expect(result.stderr).not.toMatch(/--insecure/);
  });

  it('is accepted with --insecure, with a warning on stderr: exit 0', async () => {
    const result = await validate('--insecure', '--json');
    expect(result.code).toBe(0);
    expect((JSON.parse(result.stdout) as ReportShape).verdict).toBe('pass');
    expect(result.stderr).toMatch(/^warning: --insecure: the server certificate is not verified/m);
  });

  it('an unreadable --ca is a usage error', async () => {
    const result = await validate('--ca', '/nonexistent/ca.pem');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --ca: cannot read "\/nonexistent\/ca.pem"\nhint: /);
  });
});

describe('--ca and --insecure for the E2E token request', () => {
  let auth: Server;
  let config: string;
  let dir: string;
  const seen: string[] = [];

  beforeAll(async () => {
    auth = createHttpsServer(
      { cert: await readFile(CERT), key: await readFile(KEY) },
      (req, res) => {
        seen.push(String(req.headers['x-e2e-bypass-key']));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ access_token: 'tls-token-value' }));
      },
    );
    auth.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const authUrl = `https://127.0.0.1:${(auth.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'ws-validate-tls-'));
    config = join(dir, 'ws-validate.config.json');
    await writeFile(
      config,
      JSON.stringify({ environments: { tls: { url: server.url, authUrl } } }),
    );
  });

  afterAll(async () => {
    auth.closeAllConnections();
    await new Promise<void>((resolve) => auth.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  const e2e = (...extra: string[]) =>
    runCli(['--config', config, '--env', 'tls', '--e2e-key', 'tls-e2e-key', ...FAST, ...extra]);

  it('trusts the auth service with --ca as the WebSocket does: exit 0', async () => {
    const result = await e2e('--ca', CERT);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(seen).toContain('tls-e2e-key');
  });

  it('skips its certificate check with --insecure: exit 0', async () => {
    const result = await e2e('--insecure');
    expect(result.code, result.stderr + result.stdout).toBe(0);
  });

  it('refuses its self-signed certificate otherwise: exit 3 with the TLS hint', async () => {
    const result = await e2e('--json');
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as ReportShape;
    expect(report.error?.code).toBe('TLS_FAILED');
    expect(report.error?.hint).toMatch(/--ca .*--insecure/);
  });
});

describe('a --ca file that holds no PEM certificate', () => {
  it.each([
    ['a private key', KEY],
    ['a text file', fileURLToPath(new URL('../fixtures/tls/README.md', import.meta.url))],
  ])('(%s) is a usage error before anything connects', async (_name, path) => {
    const result = await validate('--ca', path);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(
        `^error: --ca: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} holds no PEM X\\.509 certificate\nhint: `,
      ),
    );
  });

  it('(a certificate block that does not parse) is a usage error naming the block', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-ca-'));
    const path = join(dir, 'broken.pem');
    const good = await readFile(CERT, 'utf8');
    await writeFile(
      path,
      `${good}\n-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n`,
    );
    const result = await validate('--ca', path);
    await rm(dir, { recursive: true, force: true });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --ca: certificate 2 of .*broken\.pem is not a valid X\.509 certificate/,
    );
  });
});
