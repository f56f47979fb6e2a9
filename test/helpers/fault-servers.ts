import { createHash } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import {
  createServer as createNetServer,
  type AddressInfo,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

/** The ids a trigger carries, which every event of its run must repeat. */
export interface RunIds {
  threadId: string;
  runId: string;
}

/** A test server on 127.0.0.1 that records what clients did and closes everything on `close()`. */
export interface FaultServer {
  /** `ws://127.0.0.1:PORT/ws` (or `wss://` for a TLS server). */
  url: string;
  port: number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Close codes the server received from clients, in order (1006 when a client vanished). */
  readonly closeCodes: number[];
  /** Resolves with the close code of the next client close (or the last one if already closed). */
  nextClose(timeoutMs?: number): Promise<number>;
  close(): Promise<void>;
}

/** One accepted WebSocket connection of a purpose-built server. */
export interface FaultPeer {
  ws: WebSocket;
  /** The path and query of the upgrade request, e.g. `/ws?offset=3`. */
  url: string;
  /** The headers of the upgrade request, names in lower case. */
  headers: IncomingHttpHeaders;
  /** Resolves with the ids of the first JSON frame the client sent (its trigger). */
  trigger: Promise<RunIds>;
  /** Sends a JSON value as one text frame (ignored once the socket is closed). */
  send(value: unknown): void;
}

/** Options of {@link startWsFaultServer}. */
export interface WsFaultServerOptions {
  /** Serve `wss://` with this certificate and key (PEM). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Decides per upgrade (1-based count) whether to destroy the TCP socket instead of answering. */
  dropUpgrade?: (count: number) => boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function isoNow(): string {
  return new Date().toISOString();
}

/** The canonical `connection_established` frame of docs/protocol.md section 3. */
export function connectionEstablished(): Record<string, unknown> {
  return {
    type: 'connection_established',
    data: { mode: 'main', user_id: 'fault-user', connection_id: 'fault-1', golden_path_events: [] },
    timestamp: Date.now() / 1000,
  };
}

/** A heartbeat frame, infrastructure that never counts as an agent event. */
export function heartbeat(n: number): Record<string, unknown> {
  return { type: 'heartbeat', data: { n }, timestamp: Date.now() / 1000 };
}

/** The five required events of docs/protocol.md section 5 for one run, canonical shape and order. */
export function canonicalEvents(ids: RunIds): Record<string, unknown>[] {
  const envelope = (type: string, data: Record<string, unknown>, extra = {}) => ({
    type,
    timestamp: isoNow(),
    run_id: ids.runId,
    thread_id: ids.threadId,
    data,
    ...extra,
  });
  const correlation = { correlation_id: 'call-1' };
  return [
    envelope('agent_started', { agent_name: 'data_helper' }),
    envelope('agent_thinking', { reasoning: 'Analyzing user request to identify data gaps...' }),
    envelope('tool_executing', { tool_name: 'data_helper', tool_args: {} }, correlation),
    envelope(
      'tool_completed',
      { tool_name: 'data_helper', results: { success: true }, execution_time: 0.01 },
      correlation,
    ),
    envelope('agent_completed', { status: 'completed', final_response: 'Please provide data.' }),
  ];
}

/** Reads the run ids out of a trigger frame (top level or under `payload`). */
export function idsOf(frame: unknown): RunIds {
  const record = (frame ?? {}) as Record<string, unknown>;
  const payload = (record.payload ?? {}) as Record<string, unknown>;
  const pick = (key: string): string => {
    const value = record[key] ?? payload[key];
    return typeof value === 'string' ? value : 'unknown';
  };
  return { threadId: pick('thread_id'), runId: pick('run_id') };
}

function createCloseLog() {
  const closeCodes: number[] = [];
  const waiters: ((code: number) => void)[] = [];
  let consumed = 0;
  return {
    closeCodes,
    push(code: number): void {
      closeCodes.push(code);
      const waiter = waiters.shift();
      if (waiter) {
        consumed += 1;
        waiter(code);
      }
    },
    next(timeoutMs = 3000): Promise<number> {
      if (consumed < closeCodes.length) {
        consumed += 1;
        return Promise.resolve(closeCodes[consumed - 1]!);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no client close within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push((code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
    },
  };
}

/**
 * Starts a `ws` server on 127.0.0.1 port 0 (path `/ws`, any token accepted) that hands every
 * connection to `onConnection`; pass `tls` for `wss://`.
 */
export async function startWsFaultServer(
  onConnection: (peer: FaultPeer) => void | Promise<void>,
  options: WsFaultServerOptions = {},
): Promise<FaultServer> {
  const http: Server = options.tls
    ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key })
    : createHttpServer();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const log = createCloseLog();
  const sockets = new Set<Duplex>();
  let connections = 0;
  let upgrades = 0;

  http.on('connection', () => (connections += 1));
  http.on('tlsClientError', () => undefined);
  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    upgrades += 1;
    if (options.dropUpgrade?.(upgrades)) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', () => undefined);
      ws.on('close', (code) => log.push(code));
      const trigger = new Promise<RunIds>((resolve) => {
        ws.once('message', (data) => {
          try {
            resolve(idsOf(JSON.parse((data as Buffer).toString('utf8'))));
          } catch {
            resolve({ threadId: 'unknown', runId: 'unknown' });
          }
        });
      });
      const send = (value: unknown): void => {
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(value));
      };
      const peer = { ws, url: req.url ?? '/', headers: req.headers, trigger, send };
      void Promise.resolve(onConnection(peer)).catch(() => ws.terminate());
    });
  });

  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `${options.tls ? 'wss' : 'ws'}://127.0.0.1:${port}/ws`,
    port,
    get connections() {
      return connections;
    },
    closeCodes: log.closeCodes,
    nextClose: (timeoutMs) => log.next(timeoutMs),
    async close() {
      for (const socket of sockets) socket.destroy();
      wss.close();
      await new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      });
    },
  };
}

/** Plays a canonical run on `peer` once its trigger arrives, `stepMs` apart. */
export async function playCanonicalRun(peer: FaultPeer, stepMs = 10): Promise<void> {
  const ids = await peer.trigger;
  for (const event of canonicalEvents(ids)) {
    await sleep(stepMs);
    peer.send(event);
  }
}

// Listens on 127.0.0.1:0 and describes a raw TCP server as a FaultServer.
async function listenRaw(
  server: NetServer,
  sockets: Set<Socket>,
  log: ReturnType<typeof createCloseLog>,
  connections: () => number,
): Promise<FaultServer> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    port,
    get connections() {
      return connections();
    },
    closeCodes: log.closeCodes,
    nextClose: (timeoutMs) => log.next(timeoutMs),
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections and never writes a byte (a hung handshake). */
export async function startSilentTcpServer(): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const log = createCloseLog();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return listenRaw(server, sockets, log, () => connections);
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Encodes one unmasked server-to-client text frame (RFC 6455 section 5.2). */
export function encodeTextFrame(text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([0x81, payload.length]);
  } else if (payload.length < 65_536) {
    header = Buffer.alloc(4);
    header.writeUInt8(0x81, 0);
    header.writeUInt8(126, 1);
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header.writeUInt8(0x81, 0);
    header.writeUInt8(127, 1);
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  return Buffer.concat([header, payload]);
}

/** One complete client frame read off the wire: opcode and unmasked payload. */
interface ClientFrame {
  opcode: number;
  payload: Buffer;
}

/** Takes complete masked client frames off the front of `buffer`; returns them and the rest. */
function readClientFrames(buffer: Buffer): { frames: ClientFrame[]; rest: Buffer } {
  const frames: ClientFrame[] = [];
  let offset = 0;
  for (;;) {
    if (buffer.length - offset < 2) break;
    const opcode = buffer[offset]! & 0x0f;
    const masked = (buffer[offset + 1]! & 0x80) !== 0;
    let length = buffer[offset + 1]! & 0x7f;
    let cursor = offset + 2;
    if (length === 126) {
      if (buffer.length < cursor + 2) break;
      length = buffer.readUInt16BE(cursor);
      cursor += 2;
    } else if (length === 127) {
      if (buffer.length < cursor + 8) break;
      length = Number(buffer.readBigUInt64BE(cursor));
      cursor += 8;
    }
    const maskBytes = masked ? 4 : 0;
    if (buffer.length < cursor + maskBytes + length) break;
    const mask = buffer.subarray(cursor, cursor + maskBytes);
    const payload = Buffer.from(buffer.subarray(cursor + maskBytes, cursor + maskBytes + length));
    if (masked) for (let i = 0; i < payload.length; i += 1) payload[i]! ^= mask[i % 4]!;
    frames.push({ opcode, payload });
    offset = cursor + maskBytes + length;
  }
  return { frames, rest: buffer.subarray(offset) };
}

/** Options of {@link startRawWsServer}. */
export interface RawWsServerOptions {
  /** Called once the trigger arrived; writes whatever it likes to the raw socket. */
  onTrigger(socket: Socket, ids: RunIds): Promise<void>;
  /** Answer a client close frame with one (default true); false leaves the closing client hanging. */
  answerClose?: boolean;
}

/**
 * A WebSocket server written by hand over `net`: a hand-made 101 handshake, masked client frames
 * decoded here, and server frames written as raw bytes by `onTrigger` (e.g. split across writes).
 */
export async function startRawWsServer(options: RawWsServerOptions): Promise<FaultServer> {
  const sockets = new Set<Socket>();
  const log = createCloseLog();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    let handshakeDone = false;
    let triggered = false;
    let closeLogged = false;
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('close', () => {
      sockets.delete(socket);
      if (!closeLogged && handshakeDone) log.push(1006);
    });
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      if (!handshakeDone) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffer.subarray(0, end).toString('latin1');
        buffer = buffer.subarray(end + 4);
        const key = /^sec-websocket-key:\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '';
        const accept = createHash('sha1')
          .update(key + WS_GUID)
          .digest('base64');
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            `Sec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        handshakeDone = true;
      }
      const { frames, rest } = readClientFrames(buffer);
      buffer = rest;
      for (const frame of frames) {
        if (frame.opcode === 0x8) {
          closeLogged = true;
          log.push(frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : 1005);
          if (options.answerClose !== false) {
            socket.end(Buffer.concat([Buffer.from([0x88, frame.payload.length]), frame.payload]));
          }
        } else if (frame.opcode === 0x1 && !triggered) {
          triggered = true;
          let ids: RunIds;
          try {
            ids = idsOf(JSON.parse(frame.payload.toString('utf8')));
          } catch {
            ids = { threadId: 'unknown', runId: 'unknown' };
          }
          void options.onTrigger(socket, ids).catch(() => socket.destroy());
        }
      }
    });
  });
  return listenRaw(server, sockets, log, () => connections);
}

/** Writes `bytes` in small pieces (1, 2, 3, 5, 8, 13 bytes, repeating), yielding between writes. */
export async function writeInPieces(socket: Socket, bytes: Buffer): Promise<number> {
  const sizes = [1, 2, 3, 5, 8, 13];
  let offset = 0;
  let writes = 0;
  while (offset < bytes.length && !socket.destroyed) {
    const size = sizes[writes % sizes.length]!;
    socket.write(bytes.subarray(offset, offset + size));
    offset += size;
    writes += 1;
    // A timer turn, so each piece leaves in its own TCP segment rather than coalesced.
    await sleep(0);
  }
  return writes;
}
