import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/bin.js';
import { frame, nestedArray, openUnreadingSocket, type RawWebSocket } from '../helpers/raw-ws.js';
import {
  FIVE_EVENTS,
  canonicalTrigger,
  createClientPool,
  jsonFrames,
  signTestToken,
} from '../helpers/server-client.js';

// The server runs in its own process, so that its resident set is its own and nothing else's.
// See the figures with: npx vitest run test/e2e/server-memory.test.ts --reporter=verbose

const SECRET = 'reference-server-memory-secret';
const MiB = 1024 * 1024;
// Without the bounds, the three attacks below held well over 1 GiB (the oversized triggers alone
// queue 40 x 32 MiB); with them, one 32 MiB frame for the oversized client and about 1 MiB for the others.
const BOUND_BYTES = 128 * MiB;

const children: ChildProcessWithoutNullStreams[] = [];
const raws: RawWebSocket[] = [];
const pool = createClientPool();

afterEach(() => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  pool.terminateAll();
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

/** Starts `ws-validate serve` in a child process and resolves with its URL and pid. */
function serve(): Promise<{ url: string; pid: number }> {
  const child = spawn(
    process.execPath,
    [BIN, 'serve', '--port', '0', '--step-delay', '0', '--jwt-secret', SECRET],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  children.push(child);
  child.stderr.resume();
  return new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error('serve did not start')), 8000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const url = /^(ws:\/\/\S+)$/m.exec(stdout)?.[1];
      if (url !== undefined && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url, pid: child.pid });
      }
    });
  });
}

/** The resident set of process `pid`, in bytes. */
function residentBytes(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) * 1024;
  } catch {
    return (
      Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' })) * 1024
    );
  }
}

/** Samples the resident set of `pid` every 20 ms until stopped; `peak` is the largest seen. */
function sampleResident(pid: number): { stop: () => number } {
  let peak = residentBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, residentBytes(pid))), 20);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, residentBytes(pid));
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function happyRunTypes(url: string): Promise<string[]> {
  const token = await signTestToken(SECRET);
  const client = await pool.open(url, { headers: { Authorization: `Bearer ${token}` } });
  client.sendJson(canonicalTrigger());
  await client.nextJson('agent_completed', 3000);
  client.ws.close();
  return jsonFrames(client.frames)
    .map((f) => String(f.type))
    .filter((type) => type !== 'connection_established');
}

async function unreading(url: string): Promise<RawWebSocket> {
  const token = await signTestToken(SECRET, { sub: 'user-never-reads' });
  const raw = await openUnreadingSocket(url, { Authorization: `Bearer ${token}` });
  raws.push(raw);
  return raw;
}

/** JSON pings as fast as the socket takes them, for `ms`. */
async function pingFlood(raw: RawWebSocket, ms: number): Promise<void> {
  const ping = frame('{"type":"ping"}');
  const until = Date.now() + ms;
  while (Date.now() < until && !raw.socket.destroyed) {
    for (let i = 0; i < 2000; i += 1) raw.socket.write(ping);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the reference server under clients that never read', () => {
  it('keeps its memory bounded and serves other clients', async ({ annotate }) => {
    const { url, pid } = await serve();
    // Warm: the first run loads what every later run uses.
    expect(await happyRunTypes(url)).toEqual([...FIVE_EVENTS]);
    await sleep(300);
    const baseline = residentBytes(pid);
    const sampler = sampleResident(pid);

    const flooder = await unreading(url);
    const oversized = await unreading(`${url}?scenario=oversized`);
    const nester = await unreading(url);
    const flood = pingFlood(flooder, 3000);
    for (let i = 0; i < 40; i += 1) oversized.send(JSON.stringify(canonicalTrigger()));
    for (let i = 0; i < 4; i += 1) nester.socket.write(frame(nestedArray(8 * MiB)));

    await sleep(1000);
    // Served while all three hold on.
    expect(await happyRunTypes(url)).toEqual([...FIVE_EVENTS]);
    await flood;
    await sleep(500);
    const peak = sampler.stop();

    const grown = peak - baseline;
    await annotate(
      `server RSS: baseline ${(baseline / MiB).toFixed(1)} MiB, peak ${(peak / MiB).toFixed(1)} MiB, ` +
        `grown ${(grown / MiB).toFixed(1)} MiB (bound ${BOUND_BYTES / MiB} MiB)`,
    );
    expect(grown).toBeLessThan(BOUND_BYTES);
  });
});
