import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startSilentTcpServer } from '../helpers/fault-servers.js';

interface ReportShape {
  exitCode: number;
  error?: { code: string };
  attempts: { attempt: number; durationMs: number; error?: { code: string } }[];
}

describe('--retries within --timeout', () => {
  it('every attempt and every backoff fit in the total budget of a server that never answers', async () => {
    const server = await startSilentTcpServer();
    try {
      // The first run in a process loads the contract: not part of the budget being measured.
      await runCli(['--url', server.url, '--token', 't', '--quiet', '--connect-timeout', '50ms']);
      const started = performance.now();
      const result = await runCli([
        ...['--url', server.url, '--token', 't', '--json'],
        ...['--timeout', '2s', '--connect-timeout', '500ms', '--retries', '3'],
      ]);
      const ms = performance.now() - started;
      const report = JSON.parse(result.stdout) as ReportShape;
      expect(result.code).toBe(3);
      expect(report.error?.code).toBe('CONNECT_TIMEOUT');
      // 500 ms, backoff 250 ms, 500 ms, backoff 500 ms, and the last 250 ms of the budget.
      expect(report.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(report.attempts[2]?.durationMs).toBeLessThan(400);
      expect(ms).toBeGreaterThanOrEqual(1_900);
      expect(ms).toBeLessThan(2_400);
      expect(result.stderr).toMatch(
        /attempt 3 failed \(CONNECT_TIMEOUT\); no retry: --timeout has \d+ ms left/,
      );
    } finally {
      await server.close();
    }
  });
});
