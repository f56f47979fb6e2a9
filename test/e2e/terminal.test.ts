import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/bin.js';

// util-linux `script` runs the bin on a real pseudo-terminal, as a person at a keyboard would.
const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;

function runOnTerminal(
  shellCommand: string,
  timeoutMs = 10_000,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', shellCommand, '/dev/null'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm' },
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within ${timeoutMs} ms; output so far: ${out.slice(0, 300)}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe.runIf(hasScript)('on a terminal', () => {
  const run = `${process.execPath} ${BIN} --env embedded --scenario missing_tool_completed`;

  it('draws the spinner, colours the report and ends', async () => {
    const { code, out } = await runOnTerminal(`stty cols 100 rows 40; ${run}`);
    expect(code).toBe(1);
    expect(out).toContain('waiting for agent events');
    expect(out).toContain('\u001b[31m');
    expect(out).toMatch(/FAIL.*4\/5 events/);
  });

  it('ends on a terminal that reports no width (no spinner there)', async () => {
    const { code, out } = await runOnTerminal(`stty cols 0 rows 0; ${run}`);
    expect(code).toBe(1);
    expect(out).not.toContain('waiting for agent events');
    expect(out).toMatch(/FAIL.*4\/5 events/);
    expect(out.length).toBeLessThan(20_000);
  });
});
