// Offline re-check throughput: `ws-validate check <file> --json` on a generated 1,000,000-frame
// recording against a floor (readline + JSON.parse + precompiled ajv per frame), both spawned.
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import process from 'node:process';

import { writeRecording } from './recording.js';
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
  writeResults,
} from './support.js';

const TARGET_RATIO = 0.8;
const TARGET_RSS_MB = 150;

/** Reads the verdict from the check's stdout: the JSON report, or the human verdict line. */
function readVerdict(stdout) {
  try {
    return { json: true, verdict: JSON.parse(stdout).verdict };
  } catch {
    const line = stdout.trim().split('\n').pop() ?? '';
    return { json: false, verdict: line.split(/\s+/)[0]?.toLowerCase() ?? '?' };
  }
}

/** Generates the recording, measures both sides interleaved, writes `bench/results/check-throughput.json`. */
export async function benchCheckThroughput({ frames = 1_000_000, reps = 5, keep = false } = {}) {
  requireBuild();
  if (!hasGnuTime()) {
    console.error('/usr/bin/time is missing: install GNU time (apt-get install -y time)');
    process.exit(2);
  }
  const file = join(tmpdir(), `ws-validate-bench-${frames}.ndjson`);
  const started = performance.now();
  const bytes = await writeRecording(file, frames);
  const generateMs = performance.now() - started;
  console.log(
    `generated ${frames} frames (${round(bytes / 2 ** 20)} MiB) in ${Math.round(generateMs)} ms: ${file}`,
  );
  try {
    const node = process.execPath;
    const sides = {
      'ws-validate check': () =>
        runProcess(node, [BIN, 'check', file, '--json'], { peakRss: true }),
      floor: () =>
        runProcess(node, [join(ROOT, 'bench', 'check-floor.js'), file], { peakRss: true }),
    };
    // One unmeasured round brings the file into the page cache for both sides.
    await interleave(1, sides);
    const results = await interleave(reps, sides, (done) =>
      process.stderr.write(`  round ${done}/${reps}\n`),
    );
    for (const r of results['ws-validate check']) expectExit(r, 0, 'ws-validate check');
    for (const r of results.floor) {
      expectExit(r, 0, 'floor');
      const counts = JSON.parse(r.stdout);
      if (counts.frames !== frames || counts.invalid !== 0) {
        throw new Error(`the floor read ${r.stdout.trim()}, expected ${frames} valid frames`);
      }
    }
    const output = readVerdict(results['ws-validate check'][0].stdout);
    const side = (name) => {
      const runs = results[name];
      const ms = median(runs.map((r) => r.ms));
      return {
        side: name,
        medianMs: Math.round(ms),
        framesPerSecond: Math.round((frames / ms) * 1000),
        peakRssMB: round(median(runs.map((r) => r.peakRssMB))),
        maxPeakRssMB: round(Math.max(...runs.map((r) => r.peakRssMB))),
      };
    };
    const check = side('ws-validate check');
    const floor = side('floor');
    const ratio = check.framesPerSecond / floor.framesPerSecond;
    const passThroughput = ratio >= TARGET_RATIO;
    const passMemory = check.maxPeakRssMB < TARGET_RSS_MB;

    console.log(`\ncheck throughput: median of ${reps} interleaved rounds, whole process`);
    if (!output.json) {
      console.log('note: --json was not applied (the report came out in the human format)');
    }
    console.log();
    printTable(
      ['side', 'median ms', 'frames/s', 'peak RSS MB (median)', 'peak RSS MB (max)'],
      [check, floor].map((f) => [
        f.side,
        f.medianMs,
        f.framesPerSecond.toLocaleString('en'),
        f.peakRssMB,
        f.maxPeakRssMB,
      ]),
    );
    console.log(
      `\nthroughput ratio check / floor: ${round(ratio, 2)}x (target >= ${TARGET_RATIO}x)`,
    );
    printVerdict(`check throughput at least ${TARGET_RATIO}x of the floor`, passThroughput);
    printVerdict(`check peak RSS ${check.maxPeakRssMB} MB under ${TARGET_RSS_MB} MB`, passMemory);
    const path = await writeResults('check-throughput', {
      frames,
      bytes,
      reps,
      command: 'ws-validate check <file> --json',
      jsonOutput: output.json,
      verdict: output.verdict,
      target: { minRatio: TARGET_RATIO, maxPeakRssMB: TARGET_RSS_MB },
      figures: [check, floor],
      ratio: round(ratio, 3),
      pass: passThroughput && passMemory,
    });
    console.log(`figures: ${path}`);
    return passThroughput && passMemory;
  } finally {
    if (!keep) await rm(file, { force: true });
  }
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const pass = await benchCheckThroughput({
    frames: Number(args.frames ?? 1_000_000),
    reps: Number(args.reps ?? 5),
    keep: args.keep === true,
  });
  process.exitCode = pass ? 0 : 1;
}
