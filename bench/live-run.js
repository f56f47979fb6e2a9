// One live run, whole process: `ws-validate --url ... --jwt-secret S --grace 1ms` against
// `bench/minimal-client.js` doing the same exchange, both against one reference server process.
import { join } from 'node:path';
import process from 'node:process';

import {
  BIN,
  ROOT,
  expectExit,
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

const TARGET_RATIO = 1.5;
const WARMUP = 3;
const SECRET = 'bench-live-run-secret';

/** Measures both sides interleaved and writes `bench/results/live-run.json`. */
export async function benchLiveRun({ reps = 20 } = {}) {
  requireBuild();
  const server = await startServer(SECRET);
  try {
    const node = process.execPath;
    // A grace as short as the minimal client's (none); the default 300ms would dominate the run.
    const cliArgs = [BIN, '--url', server.url, '--jwt-secret', SECRET, '--grace', '1ms'];
    const clientArgs = [join(ROOT, 'bench', 'minimal-client.js'), '--url', server.url];
    const sides = {
      'ws-validate': () => runProcess(node, cliArgs),
      'minimal client': () => runProcess(node, [...clientArgs, '--jwt-secret', SECRET]),
    };
    await interleave(WARMUP, sides);
    const results = await interleave(reps, sides);
    for (const [name, runs] of Object.entries(results)) {
      for (const r of runs) expectExit(r, 0, name);
    }
    const cli = median(results['ws-validate'].map((r) => r.ms));
    const client = median(results['minimal client'].map((r) => r.ms));
    const ratio = cli / client;
    const pass = ratio <= TARGET_RATIO;
    const row = (name) => {
      const ms = results[name].map((r) => r.ms);
      return {
        side: name,
        medianMs: round(median(ms)),
        minMs: round(Math.min(...ms)),
        maxMs: round(Math.max(...ms)),
      };
    };
    const figures = [row('ws-validate'), row('minimal client')];

    console.log(`live run: median wall time of ${reps} fresh processes each, interleaved`);
    console.log(`server: ws-validate serve --step-delay 0 (own process), ${server.url}\n`);
    printTable(
      ['side', 'median ms', 'min ms', 'max ms'],
      figures.map((f) => [f.side, f.medianMs, f.minMs, f.maxMs]),
    );
    console.log(
      `\nratio ws-validate / minimal client: ${round(ratio, 2)}x (target <= ${TARGET_RATIO}x)`,
    );
    printVerdict(`live run within ${TARGET_RATIO}x of the minimal client`, pass);
    const path = await writeResults('live-run', {
      reps,
      server: 'ws-validate serve --port 0 --step-delay 0 --jwt-secret <secret>',
      command: `ws-validate --url <url> --jwt-secret <secret> --grace 1ms`,
      target: { maxRatio: TARGET_RATIO },
      figures,
      ratio: round(ratio, 3),
      pass,
    });
    console.log(`figures: ${path}`);
    return pass;
  } finally {
    await server.close();
  }
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const pass = await benchLiveRun({ reps: Number(args.reps ?? 20) });
  process.exitCode = pass ? 0 : 1;
}
