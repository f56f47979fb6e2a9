import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startReferenceServer, type RunningReferenceServer } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
const configPath = (): string => join(dir, 'ws-validate.config.json');

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-init-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ws-validate init', () => {
  it('writes strict JSON with $schema and one default environment, and says what to run next', async () => {
    const { code, stdout, stderr } = await runCli(
      [
        'init',
        '--url',
        'wss://agents.example.com/ws',
        '--auth',
        'subprotocol',
        '--token-env',
        'AGENT_TOKEN',
        '--name',
        'stage',
      ],
      { cwd: dir },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(await readFile(configPath(), 'utf8'))).toEqual({
      $schema: './node_modules/ws-validate/config.schema.json',
      defaultEnv: 'stage',
      environments: {
        stage: { url: 'wss://agents.example.com/ws', auth: 'subprotocol', tokenEnv: 'AGENT_TOKEN' },
      },
    });
    expect(stdout).toContain(`wrote ${configPath()}`);
    expect(stdout).toContain('next: with $AGENT_TOKEN set, run  ws-validate --env stage');
  });

  it('names the environment dev by default', async () => {
    expect((await runCli(['init', '--url', 'ws://127.0.0.1:8000/ws'], { cwd: dir })).code).toBe(0);
    const written = JSON.parse(await readFile(configPath(), 'utf8')) as Record<string, unknown>;
    expect(written.defaultEnv).toBe('dev');
    expect(written.environments).toEqual({ dev: { url: 'ws://127.0.0.1:8000/ws' } });
  });

  it('changes nothing and exits 2 when the file exists', async () => {
    await writeFile(configPath(), '{"defaultEnv":"mine"}\n');
    const before = await stat(configPath());
    const { code, stdout, stderr } = await runCli(['init', '--url', 'wss://a.example/ws'], {
      cwd: dir,
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `error: ${configPath()} already exists; nothing was changed\nhint: edit it, or move it away to start again\n`,
    );
    expect(await readFile(configPath(), 'utf8')).toBe('{"defaultEnv":"mine"}\n');
    expect((await stat(configPath())).mtimeMs).toBe(before.mtimeMs);
  });

  it.each([
    [['init'], /required option '--url <ws-url>' not specified/],
    [['init', '--url', 'https://a.example/ws'], /--url: https:\/\/ is not a WebSocket scheme/],
    [
      ['init', '--url', 'wss://a.example/ws', '--auth', 'cookie'],
      /--auth: "cookie" is not an auth placement/,
    ],
    [
      ['init', '--url', 'wss://a.example/ws', '--token-env', 'eyJhbGciOi.x.y'],
      /--token-env: .* is not an environment variable name/,
    ],
    [
      ['init', '--url', 'wss://a.example/ws', '--name', '../x'],
      /--name: "..\/x" is not an environment name/,
    ],
    [
      ['init', '--url', 'wss://a.example/ws?token=abcdefghijkl'],
      /--url: the URL carries a credential/,
    ],
  ])('refuses %j with exit 2 and writes nothing', async (args, message) => {
    const { code, stderr } = await runCli(args, { cwd: dir });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/\nhint: /);
    expect(stderr).not.toContain('abcdefghijkl');
    await expect(stat(configPath())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  describe('then a run', () => {
    let server: RunningReferenceServer;
    beforeEach(async () => {
      server = await startReferenceServer({ stepDelay: 0 });
    });
    afterEach(async () => {
      await server.close();
    });

    it('uses the written environment as the default, with the token from the named variable', async () => {
      await runCli(['init', '--url', server.url, '--token-env', 'MY_TOKEN'], { cwd: dir });
      const { code, stdout } = await runCli(['--quiet', '--grace', '0'], {
        cwd: dir,
        env: { MY_TOKEN: server.token },
      });
      expect(stdout).toMatch(/^PASS/);
      expect(code).toBe(0);
    });
  });
});
