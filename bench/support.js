import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { clearTimeout, setTimeout } from 'node:timers';
import { fileURLToPath, pathToFileURL, URL } from 'node:url';

/** The repository root, located from this file rather than the working directory. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The built CLI entry point that every benchmark runs. */
export const BIN = join(ROOT, 'bin', 'ws-validate.js');

/** Where benchmarks write their figures as JSON (git-ignored). */
export const RESULTS_DIR = join(ROOT, 'bench', 'results');

/** GNU time, used to read a child's peak resident set size. */
export const GNU_TIME = '/usr/bin/time';

/** True when the module at `url` is the script node was started with. */
export function isMain(url) {
  return process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === url;
}

/** Exits with a hint when dist/ has not been built, since every benchmark runs the built code. */
export function requireBuild() {
  if (!existsSync(join(ROOT, 'dist', 'cli.js'))) {
    console.error('dist/ is missing: run `npm run build` first');
    process.exit(2);
  }
}

/** True when GNU time is installed at /usr/bin/time (its `-f %M` gives the peak RSS in KiB). */
export function hasGnuTime() {
  return existsSync(GNU_TIME);
}

/** Reads `--name value` and `--flag` style arguments into an object of strings and booleans. */
export function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) continue;
    const [key, inline] = arg.slice(2).split('=', 2);
    const next = argv[i + 1];
    if (inline !== undefined) out[key] = inline;
    else if (next !== undefined && !next.startsWith('--')) {
      out[key] = next;
      i += 1;
    } else out[key] = true;
  }
  return out;
}

/** Median of a list of numbers (mean of the middle two for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Rounds to `digits` decimals. */
export function round(value, digits = 1) {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Spawns a command, collects its output and resolves with wall milliseconds (spawn to exit),
 * exit code, stdout, stderr and, with `peakRss`, the peak RSS in MB (10^6 bytes) measured by GNU time.
 */
export async function runProcess(command, args, options = {}) {
  const rssFile = options.peakRss
    ? join(tmpdir(), `ws-validate-bench-${process.pid}-${Date.now()}.rss`)
    : null;
  const [file, argv] =
    rssFile === null ? [command, args] : [GNU_TIME, ['-f', '%M', '-o', rssFile, command, ...args]];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout = [];
  const stderr = [];
  child.stdout.on('data', (chunk) => stdout.push(chunk));
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  const code = await new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (exitCode) => resolve(exitCode));
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  let peakRssMB = null;
  if (rssFile !== null) {
    const text = await readFile(rssFile, 'utf8').catch(() => '');
    await rm(rssFile, { force: true });
    // GNU time prints "Command exited with non-zero status N" before the figure when the child fails.
    const kib = Number(text.trim().split('\n').pop());
    if (Number.isFinite(kib) && kib > 0) peakRssMB = (kib * 1024) / 1e6;
  }
  return {
    ms,
    code,
    stdout: Buffer.concat(stdout).toString('utf8'),
    stderr: Buffer.concat(stderr).toString('utf8'),
    peakRssMB,
  };
}

/** Throws with the child's output when it did not exit with `expected`. */
export function expectExit(result, expected, label) {
  if (result.code !== expected) {
    throw new Error(
      `${label} exited ${result.code} (expected ${expected})\n${result.stdout.slice(-2000)}\n${result.stderr.slice(-2000)}`,
    );
  }
  return result;
}

/**
 * Runs the reference agent server in its own process (`serve --port 0 --step-delay 0 --jwt-secret`)
 * and resolves once it listens. Its per-connection log goes to a file, not through this process.
 */
export async function startServer(secret) {
  const logPath = join(tmpdir(), `ws-validate-bench-server-${process.pid}-${Date.now()}.log`);
  const log = openSync(logPath, 'w');
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--step-delay', '0', '--jwt-secret', secret],
    { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', log] },
  );
  closeSync(log);
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(logPath, { force: true });
  };
  try {
    const url = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the server did not start in 10 s')), 10_000);
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        resolve(line.trim());
      });
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`the server exited with ${code}`));
      });
    });
    // `serve` prints a token of its own only when it made up the secret, i.e. ignored ours.
    await new Promise((resolve) => setTimeout(resolve, 200));
    if ((await readFile(logPath, 'utf8')).includes('token (valid 1h):')) {
      throw new Error('`ws-validate serve` ignored --jwt-secret; clients could not authenticate');
    }
    // close() stops the server with SIGINT, as Ctrl-C would, and waits for it to exit.
    return { url, pid: child.pid, close: stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs `sides` in turn `reps` times, rotating which side goes first, and collects each side's results. */
export async function interleave(reps, sides, onProgress) {
  const names = Object.keys(sides);
  const results = Object.fromEntries(names.map((n) => [n, []]));
  for (let rep = 0; rep < reps; rep += 1) {
    for (let k = 0; k < names.length; k += 1) {
      const name = names[(rep + k) % names.length];
      results[name].push(await sides[name](rep));
    }
    onProgress?.(rep + 1);
  }
  return results;
}

/** Prints rows of cells as an aligned text table. */
export function printTable(header, rows) {
  const all = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])));
  console.log(line(all[0]).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of all.slice(1)) console.log(line(r).join('  '));
}

/** The machine the figures were taken on. */
export function machine() {
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    // Other work on the machine skews the figures; the 1-minute load average says how busy it was.
    loadAverage1m: round(loadavg()[0], 2),
  };
}

/** Writes a benchmark's figures to `bench/results/<name>.json` and returns the path. */
export async function writeResults(name, figures) {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.json`);
  const doc = { benchmark: name, date: new Date().toISOString(), machine: machine(), ...figures };
  await writeFile(path, `${JSON.stringify(doc, null, 2)}\n`);
  return path;
}

/** Prints a verdict line and returns whether it passed. */
export function printVerdict(label, ok) {
  console.log(`${ok ? 'PASS' : 'MISS'}  ${label}`);
  return ok;
}
