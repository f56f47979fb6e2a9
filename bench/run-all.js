// Runs the four benchmarks one after another and prints their verdicts.
//
//   node bench/run-all.js
import process from 'node:process';

import { benchCheckThroughput } from './check-throughput.js';
import { benchConcurrency } from './concurrency.js';
import { benchLiveRun } from './live-run.js';
import { benchStartup } from './startup.js';
import { printTable } from './support.js';

const BENCHMARKS = [
  ['startup', benchStartup],
  ['live-run', benchLiveRun],
  ['check-throughput', benchCheckThroughput],
  ['concurrency', benchConcurrency],
];

const verdicts = [];
for (const [name, bench] of BENCHMARKS) {
  console.log(`\n=== ${name} ===\n`);
  verdicts.push([name, (await bench()) ? 'PASS' : 'MISS', `bench/results/${name}.json`]);
}
console.log('\n=== summary ===\n');
printTable(['benchmark', 'verdict', 'figures'], verdicts);
process.exitCode = verdicts.every(([, verdict]) => verdict === 'PASS') ? 0 : 1;
