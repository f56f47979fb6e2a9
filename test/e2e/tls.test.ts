import { readFile } from 'node:fs/promises';
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
