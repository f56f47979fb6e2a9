import { afterEach, describe, expect, it } from 'vitest';
import {
  startReferenceServer,
  type ReferenceServer,
  type ReferenceServerOptions,
} from '../../src/server/index.js';
import { frame, openUnreadingSocket, type RawWebSocket } from '../helpers/raw-ws.js';
import {
  FIVE_EVENTS,
  canonicalTrigger,
  createClientPool,
  jsonFrames,
  signTestToken,
  type TestClient,
} from '../helpers/server-client.js';

const SECRET = 'reference-server-limits-secret';
const MiB = 1024 * 1024;

const servers: ReferenceServer[] = [];
const raws: RawWebSocket[] = [];
const pool = createClientPool();

afterEach(async () => {
  for (const raw of raws.splice(0)) raw.socket.destroy();
  pool.terminateAll();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<ReferenceServerOptions> = {}): Promise<ReferenceServer> {
  const server = await startReferenceServer({ jwtSecret: SECRET, stepDelayMs: 0, ...options });
  servers.push(server);
  return server;
}

async function authHeaders(sub = 'user-limits'): Promise<Record<string, string>> {
  return { Authorization: `Bearer ${await signTestToken(SECRET, { sub })}` };
}

async function openAuthed(url: string): Promise<TestClient> {
  const client = await pool.open(url, { headers: await authHeaders() });
  await client.nextJson('connection_established');
  return client;
}

/** Runs one happy run on a fresh connection and returns its event types. */
async function happyRun(url: string): Promise<string[]> {
  const client = await openAuthed(url);
  client.sendJson(canonicalTrigger());
  await client.nextJson('agent_completed', 3000);
  return jsonFrames(client.frames)
    .map((f) => String(f.type))
    .filter((t) => t !== 'connection_established');
}

/** `promise`, or a rejection naming `what` once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms),
    ),
  ]);
}

/** A JSON ping of exactly `bytes` bytes. */
function paddedPing(bytes: number): string {
  const head = '{"type":"ping","pad":"';
  return `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
}

async function unreading(url: string): Promise<RawWebSocket> {
  const raw = await openUnreadingSocket(url, await authHeaders('user-unreading'));
  raws.push(raw);
  return raw;
}

/**
 * Writes JSON pings, never reading the pongs, until the server stops taking them (more than 4 MiB
 * wait in this socket: the kernel's buffers on both sides are full) or `ms` have passed; true in
 * the first case. However busy the machine, the flood is as large as it takes.
 */
async function floodUntilRefused(raw: RawWebSocket, ms: number): Promise<boolean> {
  const ping = frame(JSON.stringify({ type: 'ping', pad: 'x'.repeat(200) }));
  const until = Date.now() + ms;
  while (Date.now() < until && !raw.socket.destroyed) {
    if (raw.socket.writableLength > 4 * MiB) return true;
    for (let i = 0; i < 1000; i += 1) raw.socket.write(ping);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

describe('the largest frame accepted', () => {
  it('takes a 1 MiB frame and closes 1009 on a larger one, serving other clients', async () => {
    const server = await start();
    const client = await openAuthed(server.url);
    client.ws.send(paddedPing(MiB));
    expect((await client.nextJson()).type).toBe('pong');
    client.ws.send(paddedPing(MiB + 1));
    expect((await within(client.closed, 2000, 'the close')).code).toBe(1009);
    expect(await happyRun(server.url)).toEqual([...FIVE_EVENTS]);
  });

  it('is configurable', async () => {
    const server = await start({ maxFrameBytes: 1000 });
    const client = await openAuthed(server.url);
    client.ws.send(paddedPing(1000));
    expect((await client.nextJson()).type).toBe('pong');
    client.ws.send(paddedPing(1001));
    expect((await within(client.closed, 2000, 'the close')).code).toBe(1009);
  });
});

describe('runs in flight per connection', () => {
  it('starts four at a time and answers a fifth with TOO_MANY_RUNS', async () => {
    const server = await start({ stepDelayMs: 100 });
    const client = await openAuthed(server.url);
    for (let i = 0; i < 6; i += 1) client.sendJson(canonicalTrigger());
    const frames = jsonFrames(await client.collect(250));
    expect(frames.filter((f) => f.type === 'agent_started')).toHaveLength(4);
    const refused = frames.filter((f) => f.type === 'error_message');
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({ error_code: 'TOO_MANY_RUNS' });
    // Once the runs end, a new one starts again.
    await client.nextJson('agent_completed', 3000);
    await client.collect(600);
    client.sendJson(canonicalTrigger());
    expect((await client.nextJson('agent_started')).type).toBe('agent_started');
  });
});

describe('a client that never reads', () => {
  /** Resolves with the first line matching `pattern`, or rejects naming it after `ms`. */
  async function logged(lines: string[], pattern: RegExp, ms: number): Promise<string> {
    const deadline = Date.now() + ms;
    for (;;) {
      const line = lines.find((l) => pattern.test(l));
      if (line !== undefined) return line;
      if (Date.now() > deadline) throw new Error(`no log line ${pattern} within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Reads again (a paused socket notices no close) and waits for the end of the connection. */
  function ended(raw: RawWebSocket): Promise<void> {
    raw.socket.resume();
    return within(raw.closed, 2000, 'the end of the dropped connection');
  }

  it('is dropped once it leaves more than the bound unread too long; others are served', async () => {
    const lines: string[] = [];
    const server = await start({
      maxUnreadBytes: 64 * 1024,
      unreadTimeoutMs: 500,
      log: (line) => lines.push(line),
    });
    const raw = await unreading(server.url);
    const flooding = floodUntilRefused(raw, 10_000);
    // Served while the flood goes on.
    expect(await happyRun(server.url)).toEqual([...FIVE_EVENTS]);
    // The server stopped reading the flood: it piles up on the client's side, not the server's.
    expect(await flooding).toBe(true);
    expect(await logged(lines, /dropped: \d+ bytes unread/, 3000)).toMatch(/for 500 ms$/);
    await ended(raw);
  });

  it('holds at most one oversized frame for it however many it triggers', async () => {
    const lines: string[] = [];
    const server = await start({ unreadTimeoutMs: 500, log: (line) => lines.push(line) });
    const raw = await unreading(`${server.url}?scenario=oversized`);
    for (let i = 0; i < 10; i += 1) raw.send(JSON.stringify(canonicalTrigger()));
    const line = await logged(lines, /dropped: \d+ bytes unread/, 4000);
    const unread = Number(/dropped: (\d+) bytes/.exec(line)?.[1]);
    // The one 32 MiB frame sent before the client fell behind, and nothing after it.
    expect(unread).toBeGreaterThan(MiB);
    expect(unread).toBeLessThan(33 * MiB);
    await ended(raw);
  });
});
