import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validate } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { canonicalEvents, startWsFaultServer, type FaultServer } from '../helpers/fault-servers.js';

const FAST = ['--first-event-timeout', '1s', '--timeout', '3s', '--grace', '50ms'];

let server: FaultServer;
let seen: IncomingHttpHeaders[];
let dir: string;

beforeAll(async () => {
  seen = [];
  // Records the upgrade's headers, then plays one canonical run.
  server = await startWsFaultServer(async (peer) => {
    seen.push(peer.headers);
    const ids = await peer.trigger;
    for (const event of canonicalEvents(ids)) peer.send(event);
  });
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-upgrade-headers-'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI against the recording server and returns the headers of its one upgrade. */
async function upgradeOf(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Promise<IncomingHttpHeaders> {
  const before = seen.length;
  const result = await runCli(['--url', server.url, ...args, ...FAST], options);
  expect(result.code, result.stderr).toBe(0);
  expect(seen).toHaveLength(before + 1);
  return seen[before] ?? {};
}

describe('the upgrade request', () => {
  it('carries every --header, and X-Environment beside a token in the Authorization header', async () => {
    const headers = await upgradeOf([
      '--token',
      'header-test-token-123',
      '-H',
      'X-Team: agents',
      '--header',
      'X-Trace:  abc 123 ',
    ]);
    expect(headers.authorization).toBe('Bearer header-test-token-123');
    expect(headers['x-environment']).toBe('local');
    expect(headers['x-team']).toBe('agents');
    expect(headers['x-trace']).toBe('abc 123');
  });

  it('names the environment chosen with --env, and lets --header X-Environment replace it', async () => {
    const config = join(dir, 'named.json');
    await writeFile(
      config,
      JSON.stringify({ environments: { 'staging-eu': { url: server.url } } }),
    );
    const named = await upgradeOf([
      '--config',
      config,
      '--env',
      'staging-eu',
      '--token',
      'tok-1234567',
    ]);
    expect(named['x-environment']).toBe('staging-eu');
    const replaced = await upgradeOf([
      ...['--config', config, '--env', 'staging-eu', '--token', 'tok-1234567'],
      ...['--header', 'x-environment: staging'],
    ]);
    expect(replaced['x-environment']).toBe('staging');
  });

  it('has no X-Environment when the token goes in the query or there is none', async () => {
    const query = await upgradeOf(['--token', 'tok-1234567', '--auth', 'query']);
    expect(query['x-environment']).toBeUndefined();
    const none = await upgradeOf([]);
    expect(none['x-environment']).toBeUndefined();
    expect(none.authorization).toBeUndefined();
  });

  it("carries the config file's headers, a secret one read from the env var it names", async () => {
    const config = join(dir, 'headers.json');
    await writeFile(
      config,
      JSON.stringify({
        defaultEnv: 'qa',
        environments: {
          qa: {
            url: server.url,
            origin: 'https://qa.example.com',
            headers: { 'X-Team': 'agents', 'X-Api-Key': { env: 'QA_API_KEY' } },
          },
        },
      }),
    );
    const headers = await upgradeOf(['--config', config, '--header', 'X-Team: override'], {
      env: { QA_API_KEY: 'api-key-from-the-environment' },
    });
    expect(headers['x-api-key']).toBe('api-key-from-the-environment');
    expect(headers['x-team']).toBe('override');
    expect(headers.origin).toBe('https://qa.example.com');
  });

  it('carries --origin as the Origin header, as a browser would send it', async () => {
    const headers = await upgradeOf(['--origin', 'https://App.Example.com/']);
    expect(headers.origin).toBe('https://app.example.com');
  });

  it('may carry an Authorization header of its own when the token goes in the query', async () => {
    const headers = await upgradeOf([
      ...['--token', 'query-token-1234', '--auth', 'query'],
      ...['--header', 'Authorization: Basic Z2F0ZXdheTpwYXNz'],
    ]);
    expect(headers.authorization).toBe('Basic Z2F0ZXdheTpwYXNz');
  });
});

describe('the library', () => {
  it('sends header and origin as --header and --origin do, and masks a secret header', async () => {
    const apiKey = 'library-api-key-0123456789';
    const before = seen.length;
    // The key also stands in the URL, which the report shows.
    const report = await validate({
      url: `${server.url}?note=${apiKey}`,
      token: 'library-token-1234567',
      header: ['X-Team: agents', `X-Api-Key: ${apiKey}`],
      origin: 'https://app.example.com',
      grace: 0,
    });
    expect(report.exitCode).toBe(0);
    expect(seen[before]).toMatchObject({
      'x-team': 'agents',
      'x-api-key': apiKey,
      'x-environment': 'local',
      origin: 'https://app.example.com',
    });
    expect(JSON.stringify(report)).not.toContain(apiKey);
  });
});

describe('a header that cannot be sent', () => {
  it.each([
    [['--header', 'X-Team agents'], /no ":"/],
    [['--header', 'Host: evil.example'], /set by the WebSocket handshake/],
    [['--header', 'Sec-WebSocket-Protocol: jwt.x'], /set by the WebSocket handshake/],
    [['--token', 'tok-1234567', '--header', 'Authorization: Basic x'], /would replace/],
  ])('%j is a usage error before anything connects', async (args, message) => {
    const before = server.connections;
    const result = await runCli(['--url', server.url, ...args]);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[1]).toMatch(/^hint: /);
    expect(server.connections).toBe(before);
  });
});
