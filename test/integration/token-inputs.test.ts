import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReferenceServer, type ReferenceServer } from '../../src/server/index.js';
import { runCli } from '../helpers/cli.js';
import { signTestToken } from '../helpers/server-client.js';

const SECRET = 'token-inputs-secret-4b7e1c';
const FAST = ['--first-event-timeout', '1s', '--timeout', '3s', '--grace', '20ms', '--quiet'];

let server: ReferenceServer;
let token: string;
let dir: string;

beforeAll(async () => {
  server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0 });
  token = await signTestToken(SECRET, { sub: 'token-inputs-user' });
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-token-inputs-'));
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a token with surrounding whitespace (a CI secret with a trailing newline)', () => {
  it.each(['header', 'subprotocol', 'query'])(
    'is trimmed once and passes in the %s',
    async (auth) => {
      const result = await runCli([
        '--url',
        server.url,
        '--token',
        ` ${token}\n`,
        '--auth',
        auth,
        ...FAST,
      ]);
      expect(result.code, result.stderr).toBe(0);
    },
  );

  it('is trimmed from WS_VALIDATE_TOKEN, a token file and a token command alike', async () => {
    await writeFile(join(dir, 'token.txt'), `\n  ${token}\r\n\n`);
    const fromEnv = await runCli(['--url', server.url, ...FAST], {
      env: { WS_VALIDATE_TOKEN: `${token}\n` },
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    const fromFile = await runCli([
      '--url',
      server.url,
      '--token-file',
      join(dir, 'token.txt'),
      ...FAST,
    ]);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const fromCommand = await runCli([
      '--url',
      server.url,
      '--token-command',
      `printf '  %s \\n\\n' ${token}`,
      ...FAST,
    ]);
    expect(fromCommand.code, fromCommand.stderr).toBe(0);
  });
});

describe('an empty or odd token', () => {
  it.each([
    ['--token ""', ['--token', '']],
    ['--token " "', ['--token', ' ']],
    ['--token "\\n"', ['--token', '\n']],
  ])('%s is a usage error before anything connects', async (_name, args) => {
    const result = await runCli(['--url', server.url, ...args, ...FAST]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --token is empty\nhint: .+\n$/);
    expect(result.stdout).toBe('');
  });

  it('a token file holding only whitespace is a usage error', async () => {
    await writeFile(join(dir, 'blank.txt'), ' \n\t\n');
    const result = await runCli([
      '--url',
      server.url,
      '--token-file',
      join(dir, 'blank.txt'),
      ...FAST,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: The token file .*blank\.txt is empty\./);
  });

  it('--token "Bearer <jwt>" drops the prefix with a one-line warning, not "Bearer Bearer"', async () => {
    const result = await runCli(['--url', server.url, '--token', `Bearer ${token}`, ...FAST]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      'warning: --token starts with "Bearer "; the prefix was dropped (--auth decides how the token is sent)\n',
    );
  });

  it('--e2e-key "" is a usage error, and nothing is posted to the auth service', async () => {
    let requests = 0;
    const auth: Server = createServer((_req, res) => {
      requests += 1;
      res.writeHead(500).end();
    });
    await new Promise<void>((resolve) => auth.listen(0, '127.0.0.1', resolve));
    const config = join(dir, 'e2e.config.json');
    const authUrl = `http://127.0.0.1:${(auth.address() as AddressInfo).port}`;
    await writeFile(
      config,
      JSON.stringify({ environments: { dev: { url: server.url, authUrl } } }),
    );
    try {
      const result = await runCli(['--config', config, '--env', 'dev', '--e2e-key', '', ...FAST]);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: --e2e-key is empty\nhint: /);
      expect(requests).toBe(0);
    } finally {
      auth.close();
    }
  });

  it('--env embedded with --token or --token-command says in one line that it mints its own', async () => {
    for (const args of [
      ['--token', token],
      ['--token-command', 'echo x'],
    ]) {
      const result = await runCli(['--env', 'embedded', ...args, ...FAST]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe(
        `warning: --env embedded mints its own tokens; the token from ${args[0]} is not used\n`,
      );
    }
  });

  it('--users with a fixed token is a usage error: every run would be the same user', async () => {
    const result = await runCli([
      '--url',
      server.url,
      '--token',
      token,
      '--runs',
      '2',
      '--users',
      '2',
      ...FAST,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: --users 2 needs a token per user, and --token gives one token\nhint: .*--jwt-secret.*--e2e-key/,
    );
  });
});
