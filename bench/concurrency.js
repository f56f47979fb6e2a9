// Many sessions at once: `ws-validate --runs 2000 --concurrency 200` against the minimal client
// running the same 2000 sessions 200 at a time in one process, both against one server process.
import { join } from 'node:path';
import process from 'node:process';

import {
  BIN,
  ROOT,
  expectExit,
  hasGnuTime,
  interleave,
  isMain,
  median,
  parseArgs,
  printTable,
  printVerdict,
  requireBuild,
  round,
  runProcess,
  startServer,
  writeResults,
} from './support.js';

const TARGET_RATIO = 0.7;
const TARGET_RSS_MB = 300;
const SECRET = 'bench-concurrency-secret';

/** Reads sessions/s and the session count from the CLI's stdout (JSON aggregate, or the human text). */
function readCliAggregate(stdout) {
  try {
    const { aggregate } = JSON.parse(stdout);
    return {
      json: true,
      passed: aggregate.passed,
      durationMs: aggregate.durationMs,
      sessionsPerSecond: aggregate.sessionsPerSecond,
    };
  } catch {
    return { json: false, passed: null, durationMs: null, sessionsPerSecond: null };
  }
}

/** Measures both sides interleaved and writes `bench/results/concurrency.json`. */
export async function benchConcurrency({ runs = 2000, concurrency = 200, reps = 5 } = {}) {
  requireBuild();
  if (!hasGnuTime()) {
    console.error('/usr/bin/time is missing: install GNU time (apt-get install -y time)');
    process.exit(2);
  }
  const server = await startServer(SECRET);
  try {
    const node = process.execPath;
    const load = ['--runs', String(runs), '--concurrency', String(concurrency)];
    const sides = {
      'ws-validate': () =>
        runProcess(
          node,
          [BIN, '--url', server.url, '--jwt-secret', SECRET, '--grace', '1ms', '--json', ...load],
          { peakRss: true },
        ),
      'minimal client': () =>
        runProcess(
          node,
          [
            join(ROOT, 'bench', 'minimal-client.js'),
            '--url',
            server.url,
            '--jwt-secret',
            SECRET,
            ...load,
          ],
          { peakRss: true },
        ),
    };
    // One unmeasured round warms the server's JIT for both sides.
    await interleave(1, sides);
    const results = await interleave(reps, sides, (done) =>
      process.stderr.write(`  round ${done}/${reps}\n`),
    );
    const cliRuns = results['ws-validate'].map((r) => {
      expectExit(r, 0, 'ws-validate');
      return { ...r, aggregate: readCliAggregate(r.stdout) };
    });
    const clientRuns = results['minimal client'].map((r) => {
      expectExit(r, 0, 'minimal client');
      return { ...r, summary: JSON.parse(r.stdout) };
    });
    const json = cliRuns.every((r) => r.aggregate.json);
    const cli = {
      side: 'ws-validate',
      wallMs: Math.round(median(cliRuns.map((r) => r.ms))),
      wallSessionsPerSecond: round(median(cliRuns.map((r) => (runs / r.ms) * 1000))),
      reportedSessionsPerSecond: json
        ? round(median(cliRuns.map((r) => r.aggregate.sessionsPerSecond)))
        : null,
      peakRssMB: round(median(cliRuns.map((r) => r.peakRssMB))),
      maxPeakRssMB: round(Math.max(...cliRuns.map((r) => r.peakRssMB))),
    };
    const client = {
      side: 'minimal client',
      wallMs: Math.round(median(clientRuns.map((r) => r.ms))),
      wallSessionsPerSecond: round(median(clientRuns.map((r) => (runs / r.ms) * 1000))),
      reportedSessionsPerSecond: round(median(clientRuns.map((r) => r.summary.sessionsPerSecond))),
      peakRssMB: round(median(clientRuns.map((r) => r.peakRssMB))),
      maxPeakRssMB: round(Math.max(...clientRuns.map((r) => r.peakRssMB))),
    };
    const wallRatio = cli.wallSessionsPerSecond / client.wallSessionsPerSecond;
    const reportedRatio = json
      ? cli.reportedSessionsPerSecond / client.reportedSessionsPerSecond
      : null;
    const passRate = wallRatio >= TARGET_RATIO && (reportedRatio ?? 0) >= TARGET_RATIO;
    const passMemory = cli.maxPeakRssMB < TARGET_RSS_MB;

    console.log(
      `concurrency: ${runs} sessions, ${concurrency} at a time, median of ${reps} interleaved rounds`,
    );
    console.log(
      'server: ws-validate serve --step-delay 0 (own process); ws-validate with --grace 1ms\n',
    );
    printTable(
      ['side', 'wall ms', 'sessions/s (wall)', 'sessions/s (reported)', 'peak RSS MB (max)'],
      [cli, client].map((f) => [
        f.side,
        f.wallMs,
        f.wallSessionsPerSecond,
        f.reportedSessionsPerSecond ?? 'n/a',
        f.maxPeakRssMB,
      ]),
    );
    console.log(
      `\nratio ws-validate / minimal client: ${round(wallRatio, 2)}x from wall time, ` +
        `${reportedRatio === null ? 'n/a' : `${round(reportedRatio, 2)}x`} from the reported figures ` +
        `(target >= ${TARGET_RATIO}x for both)`,
    );
    printVerdict(`sessions/s at least ${TARGET_RATIO}x of the minimal client`, passRate);
    printVerdict(`peak RSS ${cli.maxPeakRssMB} MB under ${TARGET_RSS_MB} MB`, passMemory);
    const path = await writeResults('concurrency', {
      runs,
      concurrency,
      reps,
      server: 'ws-validate serve --port 0 --step-delay 0 --jwt-secret <secret>',
      command: `ws-validate --url <url> --jwt-secret <secret> --grace 1ms --json --runs ${runs} --concurrency ${concurrency}`,
      target: { minRatio: TARGET_RATIO, maxPeakRssMB: TARGET_RSS_MB },
      figures: [cli, client],
      wallRatio: round(wallRatio, 3),
      reportedRatio: reportedRatio === null ? null : round(reportedRatio, 3),
      pass: passRate && passMemory,
    });
    console.log(`figures: ${path}`);
    return passRate && passMemory;
  } finally {
    await server.close();
  }
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const pass = await benchConcurrency({
    runs: Number(args.runs ?? 2000),
    concurrency: Number(args.concurrency ?? 200),
    reps: Number(args.reps ?? 5),
  });
  process.exitCode = pass ? 0 : 1;
}
