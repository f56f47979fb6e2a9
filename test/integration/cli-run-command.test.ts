import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FAST = ['--first-event-timeout', '600ms', '--timeout', '3s', '--grace', '20ms'];

describe('the run command and the default command', () => {
  it('take options before `run` as well as after it', async () => {
    const before = await runCli(['--env', 'embedded', '--quiet', 'run', ...FAST]);
    expect(before.code).toBe(0);
    expect(before.stdout).toMatch(/^PASS {2}5\/5 events/);
    const after = await runCli(['run', '--env', 'embedded', '--json', ...FAST]);
    expect(after.code).toBe(0);
    expect(JSON.parse(after.stdout)).toMatchObject({
      verdict: 'pass',
      target: { env: 'embedded' },
    });
  });

  it('never lets a default after `run` undo an option given before it', async () => {
    const result = await runCli(['--env', 'production', 'run', '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/real money; nothing was sent/);
    const json = await runCli([
      '--json',
      'run',
      '--env',
      'embedded',
      '--scenario',
      'missing_agent_thinking',
      ...FAST,
    ]);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ verdict: 'fail' });
  });
});

describe('repeated runs that hit a usage error', () => {
  it('stop starting runs and report the error once, with exit 2', async () => {
    const result = await runCli([
      ...['--url', 'ws://127.0.0.1:9/ws', '--token-command', 'exit 3'],
      ...['--runs', '4', '--concurrency', '2', '--quiet'],
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(result.stderr).toMatch(/token command \(exit\) exited with code 3/);
    expect(result.stdout).toBe('');
  });
});

describe('a --report path that is a folder', () => {
  it('is refused before the run, not after it', async () => {
    const { tmpdir } = await import('node:os');
    const result = await runCli(['--env', 'embedded', '--report', `json=${tmpdir()}`]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^error: --report: .* is a directory\nhint: /);
  });
});

describe('a token whose exp has passed', () => {
  it('is warned about before connecting, and the server rejects it (exit 4)', async () => {
    const { mintToken } = await import('../../src/auth/mint.js');
    const { generateSecret, startReferenceServer } = await import('../../src/server/index.js');
    const secret = generateSecret();
    const server = await startReferenceServer({ jwtSecret: secret, stepDelayMs: 0 });
    try {
      const twoHoursAgo = Date.now() - 2 * 3_600_000;
      const token = await mintToken({ secret, sub: 'u-1', now: twoHoursAgo, ttlSeconds: 900 });
      const result = await runCli(['--url', server.url, '--token', token, '--quiet', ...FAST]);
      expect(result.code).toBe(4);
      const expiredAt = new Date(Math.floor(twoHoursAgo / 1000) * 1000 + 900_000).toISOString();
      expect(result.stderr).toContain(`warning: the token expired at ${expiredAt}`);
      expect(result.stderr + result.stdout).not.toContain(token.split('.')[2]);
    } finally {
      await server.close();
    }
  });
});
