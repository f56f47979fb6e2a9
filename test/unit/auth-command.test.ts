import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTokenFromCommand } from '../../src/auth/command.js';

/** True once `pid` is gone (or a zombie nobody reaps), polling until `withinMs`. */
async function waitForDeath(pid: number, withinMs: number): Promise<boolean> {
  const deadline = performance.now() + withinMs;
  while (performance.now() < deadline) {
    try {
      process.kill(pid, 0);
      const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
      if (/^\d+ \(.*\) Z/.test(stat)) return true;
    } catch {
      return true;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('readTokenFromCommand', () => {
  it('returns the stdout of a shell command as it is: fetchToken trims every source once', async () => {
    await expect(
      readTokenFromCommand("printf '  tok-123\\n\\n'", { timeoutMs: 5_000 }),
    ).resolves.toBe('  tok-123\n\n');
  });

  it('runs through the shell with the given env and cwd', async () => {
    const token = await readTokenFromCommand('echo "$WSV_TOKEN-$(basename "$PWD")" | tr a-z A-Z', {
      timeoutMs: 5_000,
      cwd: '/tmp',
      env: { ...process.env, WSV_TOKEN: 'from-env' },
    });
    expect(token).toBe('FROM-ENV-TMP\n');
  });

  it('fails with TOKEN_COMMAND_FAILED on a non-zero exit, without stdout in the message', async () => {
    const error = await readTokenFromCommand(
      'echo leaked-token-value; echo "not logged in" >&2; exit 3',
      {
        timeoutMs: 5_000,
      },
    ).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'TOKEN_COMMAND_FAILED', exitCode: 2 });
    expect((error as Error).message).toContain('exited with code 3');
    expect((error as { hint?: string }).hint).toContain('not logged in');
    expect(
      JSON.stringify({ ...(error as object), message: (error as Error).message }),
    ).not.toContain('leaked-token-value');
  });

  it('fails with TOKEN_COMMAND_FAILED on empty output', async () => {
    const error = await readTokenFromCommand('printf "\\n  \\n"', { timeoutMs: 5_000 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TOKEN_COMMAND_FAILED' });
    expect((error as Error).message).toContain('printed nothing');
  });

  it('does not show the arguments of the command, which may hold secrets', async () => {
    const error = await readTokenFromCommand('false --password=hunter2-secret', {
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('(false)');
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('fails with TOKEN_COMMAND_TIMEOUT at the deadline and kills the whole process tree', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ws-validate-cmd-'));
    const pidFile = join(dir, 'pid');
    try {
      const started = performance.now();
      // A background grandchild outlives its shell unless the whole process group is killed.
      const error = await readTokenFromCommand(
        `sleep 5 & echo $! > '${pidFile}'; sleep 5; echo token`,
        { timeoutMs: 200 },
      ).catch((e: unknown) => e);
      const elapsed = performance.now() - started;

      expect(error).toMatchObject({ code: 'TOKEN_COMMAND_TIMEOUT', exitCode: 2 });
      expect((error as Error).message).toContain('200 ms');
      expect(elapsed).toBeGreaterThanOrEqual(195);
      expect(elapsed).toBeLessThan(2_000);
      const grandchild = Number((await readFile(pidFile, 'utf8')).trim());
      expect(grandchild).toBeGreaterThan(0);
      expect(await waitForDeath(grandchild, 1_000)).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('readTokenFromCommand and Ctrl-C', () => {
  it('kills the command and reports an interruption (exit 130) when the signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const pending = readTokenFromCommand('sleep 5', { timeoutMs: 4000, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    await expect(pending).rejects.toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
