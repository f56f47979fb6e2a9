import { createServer, type Server } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/bin.js';
import { runCli } from '../helpers/cli.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const FAST = ['--first-event-timeout', '600ms', '--timeout', '3s', '--grace', '50ms'];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-bin-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the built bin', () => {
  it('prints its version', async () => {
    const result = await runBin(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(pkg.version);
  });

  it('prints help with the options and the exit-code table', async () => {
    const result = await runBin(['--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--env <name>');
    expect(result.stdout).toContain('--first-event-timeout <duration>');
    expect(result.stdout).toMatch(/Exit codes:[\s\S]*130\s+interrupted/);
    expect(result.stdout).toMatch(/serve\b/);
  });

  it("prints the help the build kept, the same text as commander's", async () => {
    const [bin, live] = await Promise.all([runBin(['--help']), runCli(['--help'])]);
    expect(live.code).toBe(0);
    expect(bin.stdout).toBe(live.stdout);
    expect(bin.stdout).toMatch(/profiles\b/);
  });

  it('lists every scenario in serve --help', async () => {
    const result = await runBin(['serve', '--help']);
    expect(result.code).toBe(0);
    for (const name of ['happy', 'missing_agent_thinking', 'bridge_shape', 'drop', 'http_401']) {
      expect(result.stdout).toMatch(new RegExp(`^\\s+${name}\\s`, 'm'));
    }
  });

  it('works from any working directory', async () => {
    const result = await runBin(['--env', 'embedded', '--quiet', ...FAST], { cwd: dir });
    expect(result.stdout).toMatch(/^PASS/);
    expect(result.code).toBe(0);
  });
});

describe('exit codes, end to end', () => {
  it('0: five passing lines against the embedded server, without colour when piped', async () => {
    const result = await runBin(['--env', 'embedded']);
    expect(result.code).toBe(0);
    const passing = result.stdout
      .split('\n')
      .filter((line) =>
        /✔ (agent_started|agent_thinking|tool_executing|tool_completed|agent_completed)\s+pass/.test(
          line,
        ),
      );
    expect(passing).toHaveLength(5);
    expect(result.stdout.includes('\u001b[')).toBe(false);
    expect(result.stdout).toMatch(/PASS\s+5\/5 events/);
  });

  it('1: a contract failure names the failing event', async () => {
    const result = await runBin([
      '--env',
      'embedded',
      '--scenario',
      'missing_agent_thinking',
      ...FAST,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/✖ agent_thinking\s+missing/);
    expect(result.stdout).toMatch(/FAIL/);
  });

  it('2: a usage error is one line with a hint and no stack', async () => {
    const result = await runBin(['--env', 'embedded', '--timeout', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: --timeout: "soon" is not a duration\nhint: /);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('3: a refused connection, with a hint towards --env embedded when nothing was chosen', async () => {
    const port = await freePort();
    const result = await runBin(['--url', `ws://127.0.0.1:${port}/ws`, '--json', ...FAST]);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { verdict: string; error: { code: string } };
    expect(report.verdict).toBe('error');
    expect(report.error.code).toBe('CONNECTION_REFUSED');
  });

  it('4: an authentication failure (101, AUTH_FAILED, 1008)', async () => {
    const result = await runBin(['--env', 'embedded', '--scenario', 'auth_fail', ...FAST]);
    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/auth_failed/);
  });

  it('5: a run that started but never finished', async () => {
    const result = await runBin(['--env', 'embedded', '--scenario', 'stall', '--timeout', '800ms']);
    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(/✔ agent_started\s+pass/);
    expect(result.stdout).toMatch(/time_budget\s+fail/);
  });

  it('130: SIGINT during a run prints the partial report', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/bin.js');
    const child = spawn(
      process.execPath,
      [BIN, '--env', 'embedded', '--scenario', 'stall', '--verbose'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      if (c.includes('"type":"agent_started"')) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stdout).toMatch(/✔ agent_started\s+pass/);
  });
});

describe('a reader that goes away', () => {
  it('does not crash the bin with EPIPE; the run keeps its own exit code', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/bin.js');
    const child = spawn(
      process.execPath,
      [BIN, '--env', 'embedded', '--scenario', 'missing_agent_thinking', ...FAST],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    // The reader hangs up before the report is written, as `| head -0` would.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(1);
  });
});

describe('repeated runs through the bin', () => {
  it('run 30 sessions at once without a listener-leak warning', async () => {
    const result = await runBin([
      '--env',
      'embedded',
      '--runs',
      '30',
      '--concurrency',
      '30',
      '--quiet',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/30\/30/);
    expect(result.stderr).not.toMatch(/MaxListenersExceededWarning/);
  });
});

describe('a default-local run that finds nothing', () => {
  it('suggests --env embedded', async () => {
    // No --env: the target is local (ws://localhost:8000/ws); make sure nothing listens there.
    const probe = await canListen(8000);
    if (!probe) return;
    const result = await runBin(['--connect-timeout', '2s', ...FAST.slice(0, 2)]);
    expect(result.code).toBe(3);
    expect(result.stdout + result.stderr).toMatch(/--env embedded/);
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server: Server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
