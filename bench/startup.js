// Startup cost: `ws-validate --version` and `--help` against a bare `node -e 0`, each spawned N times.
import process from 'node:process';

import {
  BIN,
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
  writeResults,
} from './support.js';

const TARGET_RATIO = 1.3;
const WARMUP = 3;

/** Measures the three commands interleaved and writes `bench/results/startup.json`. */
export async function benchStartup({ reps = 20 } = {}) {
  requireBuild();
  const node = process.execPath;
  const sides = {
    'node -e 0': () => runProcess(node, ['-e', '0']),
    'ws-validate --version': () => runProcess(node, [BIN, '--version']),
    'ws-validate --help': () => runProcess(node, [BIN, '--help']),
  };
  // Warm the page cache and the compile cache so the first measured spawn is not an outlier.
  await interleave(WARMUP, sides);
  const results = await interleave(reps, sides);
  for (const [name, runs] of Object.entries(results)) {
    for (const r of runs) expectExit(r, 0, name);
  }
  const baseline = median(results['node -e 0'].map((r) => r.ms));
  const figures = Object.entries(results).map(([name, runs]) => {
    const ms = runs.map((r) => r.ms);
    const med = median(ms);
    return {
      command: name,
      medianMs: round(med),
      minMs: round(Math.min(...ms)),
      maxMs: round(Math.max(...ms)),
      ratio: round(med / baseline, 2),
    };
  });
  const measured = figures.filter((f) => f.command !== 'node -e 0');
  const pass = measured.every((f) => f.ratio <= TARGET_RATIO);

  console.log(`startup: median wall time of ${reps} spawns each, interleaved\n`);
  printTable(
    ['command', 'median ms', 'min ms', 'max ms', 'vs node -e 0', 'target'],
    figures.map((f) => [
      f.command,
      f.medianMs,
      f.minMs,
      f.maxMs,
      `${f.ratio}x`,
      f.command === 'node -e 0' ? '' : `<= ${TARGET_RATIO}x`,
    ]),
  );
  console.log();
  printVerdict(`startup within ${TARGET_RATIO}x of node -e 0`, pass);
  const path = await writeResults('startup', {
    reps,
    target: { maxRatio: TARGET_RATIO },
    figures,
    pass,
  });
  console.log(`figures: ${path}`);
  return pass;
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const pass = await benchStartup({ reps: Number(args.reps ?? 20) });
  process.exitCode = pass ? 0 : 1;
}
