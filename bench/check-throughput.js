// Offline re-check throughput: `ws-validate check <file> --json` on a generated 1,000,000-frame
// recording, with the default profile and with `--profile all`, against a floor (readline +
// JSON.parse + precompiled ajv per frame), all spawned.
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

const TARGET_RATIO = 0.9;
// Every built-in profile judges each frame: five judges and five validations per frame.
const TARGET_RATIO_ALL = 0.4;
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
      'ws-validate check --profile all': () =>
        runProcess(node, [BIN, 'check', file, '--json', '--profile', 'all'], { peakRss: true }),
      floor: () =>
        runProcess(node, [join(ROOT, 'bench', 'check-floor.js'), file], { peakRss: true }),
    };
    // One unmeasured round brings the file into the page cache for both sides.
    await interleave(1, sides);
    const results = await interleave(reps, sides, (done) =>
      process.stderr.write(`  round ${done}/${reps}\n`),
    );
    for (const r of results['ws-validate check']) expectExit(r, 0, 'ws-validate check');
    // The canonical recording fails the other built-in profiles, so the worst exit is 1.
    for (const r of results['ws-validate check --profile all']) {
      expectExit(r, 1, 'ws-validate check --profile all');
    }
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
    const all = side('ws-validate check --profile all');
    const floor = side('floor');
    const ratio = check.framesPerSecond / floor.framesPerSecond;
    const ratioAll = all.framesPerSecond / floor.framesPerSecond;
    const passThroughput = ratio >= TARGET_RATIO;
    const passAll = ratioAll >= TARGET_RATIO_ALL;
    const passMemory = check.maxPeakRssMB < TARGET_RSS_MB;

    console.log(`\ncheck throughput: median of ${reps} interleaved rounds, whole process`);
    if (!output.json) {
      console.log('note: --json was not applied (the report came out in the human format)');
    }
    console.log();
    printTable(
      ['side', 'median ms', 'frames/s', 'peak RSS MB (median)', 'peak RSS MB (max)'],
      [check, all, floor].map((f) => [
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
    console.log(
      `throughput ratio check --profile all / floor: ${round(ratioAll, 2)}x (target >= ${TARGET_RATIO_ALL}x)`,
    );
    printVerdict(`check throughput at least ${TARGET_RATIO}x of the floor`, passThroughput);
    printVerdict(
      `check --profile all throughput at least ${TARGET_RATIO_ALL}x of the floor`,
      passAll,
    );
    printVerdict(`check peak RSS ${check.maxPeakRssMB} MB under ${TARGET_RSS_MB} MB`, passMemory);
    const path = await writeResults('check-throughput', {
      frames,
      bytes,
      reps,
      command: 'ws-validate check <file> --json',
      jsonOutput: output.json,
      verdict: output.verdict,
      target: {
        minRatio: TARGET_RATIO,
        minRatioAll: TARGET_RATIO_ALL,
        maxPeakRssMB: TARGET_RSS_MB,
      },
      figures: [check, all, floor],
      ratio: round(ratio, 3),
      ratioAll: round(ratioAll, 3),
      pass: passThroughput && passAll && passMemory,
    });
    console.log(`figures: ${path}`);
    return passThroughput && passAll && passMemory;
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
