import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AggregateReport } from '../../src/contract/aggregate.js';
import { canonicalEvents, connectionEstablished, idsOf } from '../helpers/fault-servers.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-batch-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Answer = 'play' | 'reject401' | 'drop';

/**
 * A server that answers the n-th upgrade with `answers[n % answers.length]`: a happy canonical
 * run, an HTTP 401 (exit 4), or a socket destroyed before the handshake completes (exit 3).
 */
async function startCyclingServer(
  context: TestContext,
  answers: readonly Answer[],
): Promise<string> {
  const http = createServer((_req, res) => res.writeHead(426).end());
  const wss = new WebSocketServer({ noServer: true });
  let upgrades = 0;
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const answer = answers[upgrades % answers.length];
    upgrades += 1;
    socket.on('error', () => undefined);
    if (answer === 'reject401') {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      return;
    }
    if (answer === 'drop') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      ws.on('error', () => undefined);
      ws.send(JSON.stringify(connectionEstablished()));
      ws.once('message', (raw: Buffer) => {
        const ids = idsOf(JSON.parse(raw.toString('utf8')));
        for (const frame of canonicalEvents(ids)) ws.send(JSON.stringify(frame));
      });
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  context.onTestFinished(async () => {
    for (const client of wss.clients) client.terminate();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws`;
}

const batchArgs = (url: string): string[] => [
  ...['--url', url, '--token', 'batch-token', '--runs', '4', '--concurrency', '1'],
  ...['--timeout', '3s', '--grace', '50ms'],
];

describe('repeated runs that could not all be judged', () => {
  it('no run judged, auth and connection failures mixed: error, exit 4, no contract failure in any report', async (context) => {
    const url = await startCyclingServer(context, ['reject401', 'drop']);
    const paths = {
      json: join(dir, 'none.json'),
      junit: join(dir, 'none.xml'),
      markdown: join(dir, 'none.md'),
    };
    const result = await runCli([
      ...batchArgs(url),
      '--no-color',
      ...Object.entries(paths).flatMap(([format, path]) => ['--report', `${format}=${path}`]),
    ]);
    expect(result.code).toBe(4);
    const lastLine = result.stdout.trimEnd().split('\n').at(-1) ?? '';
    expect(lastLine).toMatch(
      /^ERROR {2}4\/4 runs could not be judged \(2× \S+, 2× \S+\) · exit 4$/,
    );

    const agg = JSON.parse(await readFile(paths.json, 'utf8')) as AggregateReport;
    expect([agg.verdict, agg.exitCode]).toEqual(['error', 4]);
    expect(agg.aggregate).toMatchObject({
      total: 4,
      judged: 0,
      passed: 0,
      failed: 0,
      untestable: 4,
      passRate: 0,
    });
    expect(Object.values(agg.aggregate.untestableCodes)).toEqual([2, 2]);
    expect(agg.runs.map((r) => r.exitCode).sort()).toEqual([3, 3, 4, 4]);

    const xml = await readFile(paths.junit, 'utf8');
    expect(xml).not.toContain('<failure');
    expect(xml).toMatch(/<testsuites name="ws-validate" tests="25" failures="0" errors="5"/);
    expect(xml).toContain('type="NOT_JUDGED"');

    const md = await readFile(paths.markdown, 'utf8');
    expect(md).toMatch(/^## ⚠️ ws-validate: ERROR \(\S+, 4 runs\)$/m);
    expect(md).toContain('no run was judged (required 100.0%)');
    expect(result.stdout).toMatch(/^no run was judged · required 100\.0% · 4 not judged/m);
    expect(md).toMatch(/4 not judged \(2× \S+, 2× \S+\)/);
  });

  it('every run refused: exit 3', async (context) => {
    const url = await startCyclingServer(context, ['drop']);
    const result = await runCli([...batchArgs(url), '--json']);
    expect(result.code).toBe(3);
    const agg = JSON.parse(result.stdout) as AggregateReport;
    expect([agg.verdict, agg.aggregate.judged, agg.aggregate.untestable]).toEqual(['error', 0, 4]);
  });

  it('the pass rate is over the judged runs, the untestable ones beside it: 2 passes and 2 auth failures pass a gate of 1', async (context) => {
    const url = await startCyclingServer(context, ['play', 'reject401']);
    const junit = join(dir, 'mixed.xml');
    const result = await runCli([...batchArgs(url), '--no-color', '--report', `junit=${junit}`]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^PASS {2}2\/2 judged runs passed \(100\.0% ≥ 100\.0%\) · 2 not judged \(2× \S+\) · \S+$/m,
    );
    expect(result.stdout).toMatch(
      /^passed 2\/2 judged \(100\.0%\) · required 100\.0% · 2 not judged/m,
    );
    const xml = await readFile(junit, 'utf8');
    // Exit 0: nothing in the file may read as a failure or an error to a JUnit publisher.
    expect(xml).not.toContain('<failure');
    expect(xml).not.toContain('<error');
    expect(xml).toMatch(/<skipped message="not judged: \S+" type="exit">/);
  });
});
