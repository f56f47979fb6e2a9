import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type ServerOptions } from 'ws';
import { applyToken } from '../../src/auth/placement.js';
import type { Budgets } from '../../src/session/types.js';
import type { FrameRecord, FrameVerdict } from '../../src/contract/frames.js';
import { runSession, type ConnectFn, type SessionOptions } from '../../src/session/session.js';

const CERT = readFileSync(new URL('../fixtures/tls/cert.pem', import.meta.url));
const KEY = readFileSync(new URL('../fixtures/tls/key.pem', import.meta.url));

const AGENT_EVENTS = new Set([
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
]);

const TRIGGER = { type: 'agent_execution', thread_id: 't-1', run_id: 'r-1', message: 'hi' };

interface ServerConnection {
  req: IncomingMessage;
  socket: WebSocket;
  received: string[];
  /** Resolves with the close code and reason the server saw. */
  closed: Promise<{ code: number; reason: string }>;
}

interface TestServer {
  url: string;
  port: number;
  connections: ServerConnection[];
}

type Handler = (socket: WebSocket, connection: ServerConnection) => void;

// Teardown actions of the current test, run in reverse order after it.
const cleanups: (() => Promise<void>)[] = [];

function openSockets(): string[] {
  return process
    .getActiveResourcesInfo()
    .filter((r) => r === 'TCPSocketWrap' || r === 'TCPServerWrap' || r === 'TLSWrap');
}

function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

let timersBefore = 0;

beforeEach(() => {
  timersBefore = activeTimers();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  // Handles close asynchronously after their 'close' events; allow them a moment, then insist.
  const deadline = performance.now() + 1_000;
  while (openSockets().length > 0 && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(openSockets()).toEqual([]);
  // Every session deadline was cleared (the hook's own timeout timer is counted in both).
  expect(activeTimers()).toBeLessThanOrEqual(timersBefore);
});

function closeHttpServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function startServer(
  handler: Handler,
  options: { ws?: ServerOptions; tls?: boolean } = {},
): Promise<TestServer> {
  const server = options.tls ? createHttpsServer({ cert: CERT, key: KEY }) : createHttpServer();
  server.on('error', () => {});
  // A TLS handshake the client aborts surfaces here; it is the expected outcome of some tests.
  server.on('tlsClientError', () => {});
  const wss = new WebSocketServer({ server, ...options.ws });
  wss.on('error', () => {});
  const connections: ServerConnection[] = [];
  wss.on('connection', (socket, req) => {
    socket.on('error', () => {});
    const received: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) => {
      socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
    });
    socket.on('message', (data: Buffer) => received.push(data.toString()));
    const connection = { req, socket, received, closed };
    connections.push(connection);
    handler(socket, connection);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(async () => {
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    await closeHttpServer(server);
  });
  return { url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`, port, connections };
}

/** A server whose upgrade is answered with a plain HTTP status. */
async function startRejectingServer(status: number): Promise<string> {
  return startServer(() => {}, {
    ws: { verifyClient: (_info, callback) => callback(false, status) },
  }).then((server) => server.url);
}

function typeOf(frame: FrameRecord): unknown {
  return frame.kind === 'json' && typeof frame.data === 'object' && frame.data !== null
    ? (frame.data as Record<string, unknown>).type
    : undefined;
}

/** A judge just good enough for the session: agent events by type, agent_completed terminal. */
function observeAgent(frame: FrameRecord): FrameVerdict {
  const type = typeOf(frame);
  const agentEvent = frame.dir === 'in' && typeof type === 'string' && AGENT_EVENTS.has(type);
  return { agentEvent, terminal: agentEvent && type === 'agent_completed' };
}

function budgets(overrides: Partial<Budgets> = {}): Budgets {
  return { connectMs: 1_000, firstEventMs: 2_000, totalMs: 3_000, graceMs: 100, ...overrides };
}

function options(url: string, overrides: Partial<SessionOptions> = {}) {
  const frames: FrameRecord[] = [];
  const sessionOptions: SessionOptions = {
    url,
    trigger: TRIGGER,
    budgets: budgets(),
    maxFrameBytes: 1024 * 1024,
    observe: observeAgent,
    onFrame: (frame) => frames.push(frame),
    ...overrides,
  };
  return { sessionOptions, frames };
}

async function run(url: string, overrides: Partial<SessionOptions> = {}) {
  const { sessionOptions, frames } = options(url, overrides);
  const started = performance.now();
  const result = await runSession(sessionOptions);
  return { result, frames, elapsedMs: performance.now() - started };
}

function sendFlow(socket: WebSocket): void {
  const events = ['agent_started', 'agent_thinking', 'tool_executing', 'tool_completed'];
  for (const type of events) socket.send(JSON.stringify({ type, run_id: 'r-1', data: {} }));
  socket.send(JSON.stringify({ type: 'agent_completed', run_id: 'r-1', data: {} }));
}

/** Replies with the agent flow once the trigger arrives, like an agent server that sends nothing first. */
const flowOnTrigger: Handler = (socket) => {
  socket.once('message', () => sendFlow(socket));
};

describe('runSession: frames', () => {
  it('sends the trigger the moment the socket opens, before the server says anything', async () => {
    const server = await startServer(flowOnTrigger);
    const { result, frames } = await run(server.url);

    expect(result.reason).toBe('terminal');
    expect(result.failure).toBeUndefined();
    expect(server.connections[0]?.received[0]).toBe(JSON.stringify(TRIGGER));
    expect(frames[0]).toEqual({
      seq: 1,
      dir: 'out',
      atMs: 0,
      kind: 'json',
      data: TRIGGER,
      size: Buffer.byteLength(JSON.stringify(TRIGGER)),
    });
    expect(result.connectMs).toBeGreaterThanOrEqual(0);
  });

  it('records every frame in arrival order with its kind, data and size', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        socket.send(JSON.stringify({ type: 'connection_established', data: {} }));
        socket.send('not json {');
        socket.send(Buffer.from([1, 2, 3]), { binary: true });
        socket.send('"é"');
        sendFlow(socket);
      });
    });
    const { result, frames } = await run(server.url);

    expect(result.reason).toBe('terminal');
    expect(frames.map((f) => f.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(frames.map((f) => f.dir)).toEqual(['out', ...Array<string>(9).fill('in')]);
    expect(frames.map((f) => f.kind)).toEqual([
      'json',
      'json',
      'text',
      'binary',
      'json',
      'json',
      'json',
      'json',
      'json',
      'json',
    ]);
    expect(frames[1]?.data).toEqual({ type: 'connection_established', data: {} });
    expect(frames[2]).toMatchObject({ text: 'not json {', size: 10 });
    expect(frames[3]).toMatchObject({ kind: 'binary', size: 3 });
    expect(Buffer.from(frames[3]?.data as Buffer)).toEqual(Buffer.from([1, 2, 3]));
    // Size is bytes on the wire, not characters.
    expect(frames[4]).toMatchObject({ data: 'é', size: 4 });
    expect(frames.slice(5).map(typeOf)).toEqual([
      'agent_started',
      'agent_thinking',
      'tool_executing',
      'tool_completed',
      'agent_completed',
    ]);
    const times = frames.map((f) => f.atMs ?? -1);
    expect(times.every((t, i) => t >= 0 && (i === 0 || t >= (times[i - 1] ?? 0)))).toBe(true);
  });

  it('handles a flood of 10,000 heartbeats and still completes the run', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        const heartbeat = JSON.stringify({ type: 'heartbeat', timestamp: 1 });
        for (let i = 0; i < 10_000; i += 1) socket.send(heartbeat);
        sendFlow(socket);
      });
    });
    let observed = 0;
    const { result, frames, elapsedMs } = await run(server.url, {
      budgets: budgets({ totalMs: 10_000 }),
      observe: (frame) => {
        observed += 1;
        return observeAgent(frame);
      },
    });

    expect(result.reason).toBe('terminal');
    expect(result.failure).toBeUndefined();
    expect(frames).toHaveLength(1 + 10_000 + 5);
    expect(observed).toBe(frames.length);
    expect(frames.at(-1)?.seq).toBe(10_006);
    expect(typeOf(frames.at(-1)!)).toBe('agent_completed');
    expect(elapsedMs).toBeLessThan(5_000);
  });

  it('rejects, with the socket closed, when observe throws', async () => {
    const server = await startServer(flowOnTrigger);
    const { sessionOptions } = options(server.url, {
      observe: (frame) => {
        if (frame.dir === 'in') throw new Error('judge bug');
        return { agentEvent: false, terminal: false };
      },
    });

    await expect(runSession(sessionOptions)).rejects.toThrow('judge bug');
    await expect(server.connections[0]?.closed).resolves.toMatchObject({ code: 1006 });
  });
});

describe('runSession: deadlines', () => {
  it('ends a grace period after the terminal frame, long before the total budget', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        sendFlow(socket);
        // A straggler inside the grace period is recorded; one after it is not.
        const timers = [
          setTimeout(() => socket.send(JSON.stringify({ type: 'straggler' })), 30),
          setTimeout(() => socket.send('{"type":"too_late"}'), 600),
        ];
        socket.on('close', () => timers.forEach(clearTimeout));
      });
    });
    const { result, frames, elapsedMs } = await run(server.url, {
      budgets: budgets({ totalMs: 5_000, graceMs: 200 }),
    });

    expect(result.reason).toBe('terminal');
    expect(result.failure).toBeUndefined();
    expect(elapsedMs).toBeLessThan(1_500);
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    expect(frames.map(typeOf)).toContain('straggler');
    expect(frames.map(typeOf)).not.toContain('too_late');
    await expect(server.connections[0]?.closed).resolves.toMatchObject({ code: 1000 });
    expect(result.close).toEqual({ code: 1000, reason: '' });
  });

  it('ends with first_event_timeout when only heartbeats arrive', async () => {
    const server = await startServer((socket) => {
      const interval = setInterval(() => socket.send('{"type":"heartbeat"}'), 20);
      socket.on('close', () => clearInterval(interval));
    });
    const { result, frames, elapsedMs } = await run(server.url, {
      budgets: budgets({ firstEventMs: 200, totalMs: 5_000 }),
    });

    expect(result.reason).toBe('first_event_timeout');
    expect(result.failure).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(195);
    expect(elapsedMs).toBeLessThan(1_500);
    expect(frames.filter((f) => typeOf(f) === 'heartbeat').length).toBeGreaterThan(2);
    await expect(server.connections[0]?.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('ends with timeout when the run starts but never completes', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.send('{"type":"agent_started"}'));
    });
    const { result, elapsedMs } = await run(server.url, {
      budgets: budgets({ firstEventMs: 200, totalMs: 400 }),
    });

    expect(result.reason).toBe('timeout');
    expect(result.failure).toBeUndefined();
    expect(result.durationMs).toBeGreaterThanOrEqual(395);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('fails with CONNECT_TIMEOUT when TCP connects but the upgrade is never answered', async () => {
    const sockets = new Set<Socket>();
    const hanging = createNetServer((socket) => {
      socket.on('error', () => {});
      sockets.add(socket);
    });
    hanging.on('error', () => {});
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    });
    const { port } = hanging.address() as AddressInfo;

    const { result, elapsedMs } = await run(`ws://127.0.0.1:${port}/ws?token=hidden-secret-1`, {
      budgets: budgets({ connectMs: 200 }),
    });

    expect(result.failure).toMatchObject({ code: 'CONNECT_TIMEOUT', exitCode: 3 });
    expect(result.failure?.message).toContain('200 ms');
    expect(result.failure?.message).toContain(`127.0.0.1:${port}`);
    expect(result.failure?.message).not.toContain('hidden-secret-1');
    expect(result.connectMs).toBeNull();
    expect(result.durationMs).toBeNull();
    expect(elapsedMs).toBeGreaterThanOrEqual(195);
    expect(elapsedMs).toBeLessThan(1_000);
  });
});

describe('runSession: how the server ends it', () => {
  it('reports a clean 1000 close as closed, without a failure', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.close(1000, 'bye'));
    });
    const { result } = await run(server.url);

    expect(result.reason).toBe('closed');
    expect(result.close).toEqual({ code: 1000, reason: 'bye' });
    expect(result.failure).toBeUndefined();
  });

  it('reports a dropped connection (1006) as CONNECTION_DROPPED', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        socket.send('{"type":"agent_started"}');
        setTimeout(() => socket.terminate(), 20);
      });
    });
    const { result, frames } = await run(server.url);

    expect(result.reason).toBe('dropped');
    expect(result.close?.code).toBe(1006);
    expect(result.failure).toMatchObject({ code: 'CONNECTION_DROPPED', exitCode: 3 });
    expect(result.failure?.message).toContain('1006');
    expect(frames).toHaveLength(2);
  });

  it('reports 1011 as SERVER_ERROR with the close reason', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.close(1011, 'agent registry not ready'));
    });
    const { result } = await run(server.url);

    expect(result.reason).toBe('closed');
    expect(result.close).toEqual({ code: 1011, reason: 'agent registry not ready' });
    expect(result.failure).toMatchObject({ code: 'SERVER_ERROR', exitCode: 3 });
    expect(result.failure?.message).toContain('agent registry not ready');
  });

  it.each([
    [1001, 'going away'],
    [1012, 'service restart'],
    [1013, 'try again later'],
  ])('reports %d as SERVER_GOING_AWAY, infrastructure (exit 3)', async (code, meaning) => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.close(code, 'deploying'));
    });
    const { result } = await run(server.url);

    expect(result.close).toEqual({ code, reason: 'deploying' });
    expect(result.failure).toMatchObject({ code: 'SERVER_GOING_AWAY', exitCode: 3 });
    expect(result.failure?.message).toContain(`${code} (${meaning}): "deploying"`);
  });

  it('leaves a plain 1000 close to the judge: no failure', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.close(1000, 'bye'));
    });
    const { result } = await run(server.url);
    expect(result.close).toEqual({ code: 1000, reason: 'bye' });
    expect(result.failure).toBeUndefined();
  });

  it('leaves 1008 to the judge: closed with the close info, no failure', async () => {
    const server = await startServer((socket) => {
      socket.send('{"type":"error_message","error_code":"AUTH_FAILED"}');
      socket.close(1008, 'auth failed');
    });
    const { result, frames } = await run(server.url);

    expect(result.reason).toBe('closed');
    expect(result.close).toEqual({ code: 1008, reason: 'auth failed' });
    expect(result.failure).toBeUndefined();
    expect(frames.map(typeOf)).toEqual(['agent_execution', 'error_message']);
  });

  it('records a text frame that is not UTF-8 as non-JSON text and goes on: the judge, not the connection, fails it', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        // A text frame whose payload is not UTF-8, written past the server's own checks.
        const raw = (socket as unknown as { _socket: Socket })._socket;
        raw.write(Buffer.from([0x81, 0x02, 0xff, 0xfe]));
        socket.send('{"type":"agent_started"}');
        socket.close(1000);
      });
    });
    const { result, frames } = await run(server.url);

    expect(result.failure).toBeUndefined();
    expect(result.close?.code).toBe(1000);
    expect(frames[1]).toMatchObject({ kind: 'text', text: '\ufffd\ufffd', size: 2 });
    expect(frames.map(typeOf)).toEqual(['agent_execution', undefined, 'agent_started']);
  });

  it('reports a frame that breaks the protocol after open as PROTOCOL_ERROR, closed with 1002', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => {
        socket.send('{"type":"agent_started"}');
        // Opcode 0x3 is reserved: no WebSocket peer may send it.
        const raw = (socket as unknown as { _socket: Socket })._socket;
        raw.write(Buffer.from([0x83, 0x00]));
      });
    });
    const { result, frames } = await run(server.url);

    expect(result.reason).toBe('closed');
    expect(result.close?.code).toBe(1002);
    expect(result.failure).toMatchObject({ code: 'PROTOCOL_ERROR', exitCode: 3 });
    expect(result.failure?.message).toContain('sent an invalid WebSocket frame');
    expect(frames).toHaveLength(2);
  });

  it('ends with frame_too_large when a frame exceeds maxFrameBytes', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () =>
        socket.send(JSON.stringify({ type: 'big', pad: 'x'.repeat(2_000) })),
      );
    });
    const { result, frames } = await run(server.url, { maxFrameBytes: 1_000 });

    expect(result.reason).toBe('frame_too_large');
    expect(result.failure).toMatchObject({ code: 'FRAME_TOO_LARGE', exitCode: 3 });
    expect(result.failure?.message).toContain('1000-byte');
    expect(result.failure?.hint).toContain('--max-frame-size');
    expect(frames).toHaveLength(1);
    await expect(server.connections[0]?.closed).resolves.toMatchObject({ code: 1009 });
  });

  it('closes with 1000 and reports interrupted when the signal aborts', async () => {
    const server = await startServer((socket) => {
      socket.once('message', () => socket.send('{"type":"agent_started"}'));
    });
    const controller = new AbortController();
    const { result } = await run(server.url, {
      signal: controller.signal,
      onFrame: (frame) => {
        if (typeOf(frame) === 'agent_started') setTimeout(() => controller.abort(), 10);
      },
    });

    expect(result.reason).toBe('interrupted');
    expect(result.failure).toMatchObject({ code: 'INTERRUPTED', exitCode: 130 });
    await expect(server.connections[0]?.closed).resolves.toMatchObject({ code: 1000 });
  });

  it('does not connect at all when the signal is already aborted', async () => {
    const server = await startServer(flowOnTrigger);
    const { result } = await run(server.url, { signal: AbortSignal.abort() });

    expect(result.reason).toBe('interrupted');
    expect(result.failure?.exitCode).toBe(130);
    expect(server.connections).toHaveLength(0);
  });
});

describe('runSession: failures before open', () => {
  it('reports CONNECTION_REFUSED for a port nobody listens on', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const { result } = await run(`ws://127.0.0.1:${port}/ws`);

    expect(result.reason).toBe('closed');
    expect(result.failure).toMatchObject({ code: 'CONNECTION_REFUSED', exitCode: 3 });
    expect(result.failure?.message).toContain(`127.0.0.1:${port}`);
    expect(result.connectMs).toBeNull();
  });

  it('reports DNS_FAILED when the host does not resolve', async () => {
    // A real lookup failure, from a resolver that knows no hosts, so the test needs no network.
    const connect: ConnectFn = (url, protocols, clientOptions) =>
      new WebSocket(url, protocols, {
        ...clientOptions,
        lookup: (hostname: string, _options: unknown, callback: (error: Error) => void) => {
          callback(
            Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
          );
        },
      } as ConstructorParameters<typeof WebSocket>[2]);
    const { result } = await run('ws://agents.example.invalid/ws', { connect });

    expect(result.failure).toMatchObject({ code: 'DNS_FAILED', exitCode: 3 });
    expect(result.failure?.message).toContain('agents.example.invalid');
  });

  it('reports AUTH_REJECTED (exit 4) for HTTP 401 on the upgrade, without leaking the token', async () => {
    const url = await startRejectingServer(401);
    const { result } = await run(`${url}?token=planted-secret-token`);

    expect(result.failure).toMatchObject({ code: 'AUTH_REJECTED', exitCode: 4 });
    expect(result.failure?.message).toContain('401');
    expect(result.failure?.message).toContain('token=***');
    expect(JSON.stringify(result)).not.toContain('planted-secret-token');
  });

  it('reports AUTH_REJECTED for HTTP 403 on the upgrade', async () => {
    const url = await startRejectingServer(403);
    const { result } = await run(url);

    expect(result.failure).toMatchObject({ code: 'AUTH_REJECTED', exitCode: 4 });
  });

  it('reports HANDSHAKE_REJECTED with the status for HTTP 500 on the upgrade', async () => {
    const url = await startRejectingServer(500);
    const { result } = await run(url);

    expect(result.failure).toMatchObject({ code: 'HANDSHAKE_REJECTED', exitCode: 3 });
    expect(result.failure?.message).toContain('HTTP 500');
  });

  it('reports SUBPROTOCOL_REJECTED when the server selects none of the offered subprotocols', async () => {
    const server = await startServer(() => {}, { ws: { handleProtocols: () => false } });
    const { result } = await run(server.url, { protocols: ['jwt.abc'] });

    expect(result.failure).toMatchObject({ code: 'SUBPROTOCOL_REJECTED', exitCode: 3 });
    expect(result.failure?.message).not.toContain('jwt.abc');
  });

  it('reports INVALID_TARGET (usage) for a URL that is not a WebSocket URL', async () => {
    const { result } = await run('ftp://127.0.0.1/ws');

    expect(result.failure).toMatchObject({ code: 'INVALID_TARGET', exitCode: 2 });
  });
});

describe('runSession: token placement', () => {
  const token = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

  it('presents the token in the Authorization header', async () => {
    const server = await startServer(flowOnTrigger);
    const placed = applyToken(server.url, token, 'header', 'staging');
    const { result } = await run(placed.url, {
      headers: placed.headers,
      protocols: placed.protocols,
    });

    expect(result.reason).toBe('terminal');
    expect(server.connections[0]?.req.headers.authorization).toBe(`Bearer ${token}`);
    expect(server.connections[0]?.req.headers['x-environment']).toBe('staging');
  });

  it('presents the token as a base64url jwt. subprotocol the server selects', async () => {
    let offered: string[] = [];
    const server = await startServer(flowOnTrigger, {
      ws: {
        handleProtocols: (protocols) => {
          offered = [...protocols];
          return offered[0] ?? false;
        },
      },
    });
    const placed = applyToken(server.url, token, 'subprotocol', 'staging');
    const { result } = await run(placed.url, {
      headers: placed.headers,
      protocols: placed.protocols,
    });

    expect(result.reason).toBe('terminal');
    expect(offered).toHaveLength(1);
    const value = offered[0] ?? '';
    expect(value.startsWith('jwt.')).toBe(true);
    expect(Buffer.from(value.slice(4), 'base64url').toString()).toBe(token);
    expect(server.connections[0]?.socket.protocol).toBe(value);
  });

  it('presents the token as a query parameter next to the existing query', async () => {
    const server = await startServer(flowOnTrigger);
    const placed = applyToken(`${server.url}?mode=main`, token, 'query', 'staging');
    const { result } = await run(placed.url, {
      headers: placed.headers,
      protocols: placed.protocols,
    });

    expect(result.reason).toBe('terminal');
    const seen = new URL(server.connections[0]?.req.url ?? '', 'http://x');
    expect(seen.pathname).toBe('/ws');
    expect(seen.searchParams.get('mode')).toBe('main');
    expect(seen.searchParams.get('token')).toBe(token);
  });
});

describe('runSession: TLS', () => {
  it('rejects a self-signed certificate by default with TLS_FAILED and a --ca/--insecure hint', async () => {
    const server = await startServer(flowOnTrigger, { tls: true });
    const { result } = await run(server.url);

    expect(result.failure).toMatchObject({ code: 'TLS_FAILED', exitCode: 3 });
    expect(result.failure?.message).toContain(`127.0.0.1:${server.port}`);
    expect(result.failure?.hint).toContain('--ca');
    expect(result.failure?.hint).toContain('--insecure');
    expect(server.connections).toHaveLength(0);
  });

  it('rejects a trusted certificate for another host name with TLS_FAILED', async () => {
    const server = await startServer(flowOnTrigger, { tls: true });
    // Same server, verified as if it had been reached under a name the certificate does not list.
    const connect: ConnectFn = (url, protocols, clientOptions) =>
      new WebSocket(url, protocols, {
        ...clientOptions,
        servername: 'agents.example.com',
      } as ConstructorParameters<typeof WebSocket>[2]);
    const { result } = await run(server.url, { ca: CERT, connect });

    expect(result.failure).toMatchObject({ code: 'TLS_FAILED', exitCode: 3 });
    expect(result.failure?.message).toContain('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('accepts the certificate when it is given as the CA', async () => {
    const server = await startServer(flowOnTrigger, { tls: true });
    const { result } = await run(server.url, { ca: CERT });

    expect(result.failure).toBeUndefined();
    expect(result.reason).toBe('terminal');
    expect(server.connections).toHaveLength(1);
  });

  it('accepts any certificate with insecure', async () => {
    const server = await startServer(flowOnTrigger, { tls: true });
    const { result } = await run(server.url, { insecure: true });

    expect(result.failure).toBeUndefined();
    expect(result.reason).toBe('terminal');
  });
});
