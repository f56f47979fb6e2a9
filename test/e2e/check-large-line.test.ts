import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/bin.js';

const HAPPY = readFileSync(new URL('../fixtures/recordings/happy.ndjson', import.meta.url), 'utf8');
// Far more than the capped heap below could hold as one string.
const LINE_BYTES = 256 * 1024 * 1024;
const HEAP_MB = 96;

/** Runs `check -` on the built bin, with a capped heap, writing `lines` and a huge line to its stdin. */
function checkThroughStdin(before: string, hugeBytes: number, after: string, args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'check', '-', '--json', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_OPTIONS: `--max-old-space-size=${HEAP_MB}` },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    const piece = Buffer.alloc(1024 * 1024, 'x');
    void (async () => {
      const write = (data: string | Buffer) =>
        new Promise<void>((done) =>
          child.stdin.write(data) ? done() : child.stdin.once('drain', done),
        );
      await write(before);
      for (let sent = 0; sent < hugeBytes && !child.stdin.destroyed; sent += piece.length)
        await write(piece);
      await write(`\n${after}`);
      child.stdin.end();
    })();
  });
}

describe('check of a line far over --max-frame-size', () => {
  it('reads past it without building the string: the frame is over the limit (exit 3), never a crash', async () => {
    const lines = HAPPY.trimEnd().split('\n');
    // A plain stream: agent_started, then a 256 MiB line, then the rest of the run.
    const frames = lines
      .slice(1, -1)
      .map((line) => JSON.stringify((JSON.parse(line) as { frame: unknown }).frame));
    const result = await checkThroughStdin(
      `${frames.slice(1, 3).join('\n')}\n`,
      LINE_BYTES,
      `${frames.slice(3).join('\n')}\n`,
      ['--max-frame-size', '1MiB'],
    );
    expect(result.stderr).not.toMatch(/heap|internal error|RangeError/i);
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as { error?: { code: string; message: string } };
    expect(report.error?.code).toBe('FRAME_TOO_LARGE');
    expect(report.error?.message).toContain(`${LINE_BYTES} bytes`);
  });
});
