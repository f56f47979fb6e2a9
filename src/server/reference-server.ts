import { randomBytes } from 'node:crypto';
import { STATUS_CODES, createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { AgentConnection } from './agent-connection.js';
import {
  authenticateUpgrade,
  parseSubprotocols,
  tokenOffers,
  verifyToken,
  type TokenVerdict,
  type TokenVerifier,
} from './auth.js';
import { escapeControlCharacters } from './log-text.js';
import { buildAuthFailed } from './messages.js';
import { isScenarioName, type ScenarioName } from './scenarios.js';

/** Settings of the embedded reference agent server. */
export interface ReferenceServerOptions {
  /** Interface to listen on; default `127.0.0.1`. */
  host?: string;
  /** TCP port; default 0 (ephemeral). */
  port?: number;
  /** WebSocket path; default `/ws`. `/api/v1/websocket` is always an alias. */
  path?: string;
  /** Scenario for every connection; default `happy`. A connection's `?scenario=NAME` overrides it. */
  scenario?: ScenarioName;
  /** HS256 secret that tokens are verified with. */
  jwtSecret: string;
  /** Milliseconds between flow steps; default 200 (about 1 s per run); 0 sends without delay. */
  stepDelayMs?: number;
  /** Milliseconds between heartbeats in the scenarios that idle; default 1000. */
  heartbeatMs?: number;
  /** Send handshake_response after connection_established and run agents once it is acknowledged. */
  handshake?: boolean;
  /** Largest frame accepted from a client, in bytes; a larger one closes it with 1009. Default 1 MiB. */
  maxFrameBytes?: number;
  /** Bytes a client may leave unread before the server waits for it (sends and reads nothing); default 1 MiB. */
  maxUnreadBytes?: number;
  /** Milliseconds a client over `maxUnreadBytes` may read nothing before it is dropped; default 10000. */
  unreadTimeoutMs?: number;
  /** Runs one connection may have going at once; default 4. */
  maxRunsPerConnection?: number;
  /** Receives one line per connection event, control characters escaped; tokens are never logged. */
  log?: (line: string) => void;
}

/** A running reference server. */
export interface ReferenceServer {
  /** `ws://host:port/path` of the main WebSocket endpoint. */
  url: string;
  /** The port actually bound. */
  port: number;
  /** Terminates every client, stops listening and resolves once the port is released. */
  close(): Promise<void>;
}

const ALIAS_PATH = '/api/v1/websocket';
const MiB = 1024 * 1024;

/** Starts the reference agent server of docs/protocol.md section 8 and resolves once it listens. */
export async function startReferenceServer(
  options: ReferenceServerOptions,
): Promise<ReferenceServer> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/ws';
  const defaultScenario = options.scenario ?? 'happy';
  const stepDelayMs = options.stepDelayMs ?? 200;
  const heartbeatMs = options.heartbeatMs ?? 1000;
  // Triggers are small: a client sending more than this misbehaves.
  const maxFrameBytes = options.maxFrameBytes ?? MiB;
  const maxUnreadBytes = options.maxUnreadBytes ?? MiB;
  const unreadTimeoutMs = options.unreadTimeoutMs ?? 10_000;
  const maxRunsInFlight = options.maxRunsPerConnection ?? 4;
  // Client text (a ?scenario=, a token's sub, an error) reaches these lines: escaped once, here.
  const log = (line: string): void => options.log?.(escapeControlCharacters(line));
  if (typeof options.jwtSecret !== 'string' || options.jwtSecret.length === 0) {
    throw new TypeError('jwtSecret must be a non-empty string');
  }
  if (!isScenarioName(defaultScenario)) {
    throw new TypeError(`unknown scenario "${String(defaultScenario)}"`);
  }
  if (!Number.isFinite(stepDelayMs) || stepDelayMs < 0) {
    throw new RangeError('stepDelayMs must be a number >= 0');
  }
  if (!Number.isFinite(heartbeatMs) || heartbeatMs <= 0) {
    throw new RangeError('heartbeatMs must be a number > 0');
  }
  const limits = { maxFrameBytes, maxUnreadBytes, unreadTimeoutMs, maxRunsInFlight };
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be >= 1`);
  }

  const sockets = new Set<WebSocket>();
  // Every upgrade socket until it closes, so close() can end handshakes still in progress.
  const pending = new Set<Duplex>();
  // Insertion order makes the last live entry "the most recent other connection" for cross_talk.
  const connections = new Set<AgentConnection>();
  const echoedProtocols = new WeakMap<IncomingMessage, string>();
  let closing: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: maxFrameBytes,
    handleProtocols: (_offered, req) => echoedProtocols.get(req) ?? false,
  });
  wss.on('error', (error) => log(`server error: ${error.message}`));
  // No 'wsClientError' listener: without one, ws answers a malformed upgrade (405 for a method other
  // than GET, 400 for a bad key, version or subprotocol list) and closes the socket itself.

  const http = createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    const isWsPath = pathname === path || pathname === ALIAS_PATH;
    const status = isWsPath ? 426 : 404;
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' });
    res.end(isWsPath ? 'WebSocket upgrade required\n' : 'Not found\n');
  });
  // No 'clientError' listener either: Node then answers what its parser refuses (431 for headers
  // over --max-http-header-size, 400 for an unknown method or a bad Content-Length) and closes.

  const findPeer = (self: AgentConnection): AgentConnection | null => {
    let peer: AgentConnection | null = null;
    for (const connection of connections) {
      if (connection !== self && connection.isOpen) peer = connection;
    }
    return peer;
  };

  const onWebSocket = (
    ws: WebSocket,
    scenario: ScenarioName,
    source: string,
    verdict: TokenVerdict,
    pathname: string,
  ): void => {
    const connectionId = `main_${randomBytes(6).toString('hex')}`;
    sockets.add(ws);
    ws.on('error', (error) => log(`${connectionId} socket error: ${error.message}`));
    ws.on('close', (code) => {
      sockets.delete(ws);
      log(`${connectionId} closed ${code}`);
    });

    if (!verdict.ok) {
      log(`${connectionId} auth failed (${verdict.reason}) path=${pathname} scenario=${scenario}`);
      ws.send(JSON.stringify(buildAuthFailed(verdict.reason, Date.now())));
      ws.close(1008, 'Authentication failed');
      return;
    }

    const connection = new AgentConnection({
      ws,
      connectionId,
      userId: verdict.userId,
      scenario,
      stepDelayMs,
      heartbeatMs,
      handshake:
        scenario === 'handshake_never' ? 'never' : options.handshake === true ? 'on' : 'off',
      maxRunsInFlight,
      output: {
        maxUnreadBytes,
        unreadTimeoutMs,
        onStuck: (unread) => {
          log(`${connectionId} dropped: ${unread} bytes unread for ${unreadTimeoutMs} ms`);
          ws.terminate();
        },
      },
      findPeer,
    });
    connections.add(connection);
    ws.on('close', () => {
      connection.dispose();
      connections.delete(connection);
    });
    log(
      `${connectionId} open user=${verdict.userId} auth=${source} path=${pathname} scenario=${scenario}`,
    );
    connection.start();
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path && url.pathname !== ALIAS_PATH) {
      return rejectUpgrade(socket, 404, 'Not found');
    }
    const requested = url.searchParams.get('scenario');
    if (requested !== null && !isScenarioName(requested)) {
      log(`upgrade rejected 400: unknown scenario "${requested}"`);
      return rejectUpgrade(socket, 400, `Unknown scenario "${requested}"`);
    }
    const scenario = requested ?? defaultScenario;
    if (scenario === 'http_401') {
      log('upgrade rejected 401 (http_401 scenario)');
      return rejectUpgrade(socket, 401, 'Unauthorized', 'WWW-Authenticate: Bearer\r\n');
    }
    const offered = parseSubprotocols(req.headers['sec-websocket-protocol']);
    const offers = tokenOffers(offered);
    if (offered.length > 0 && offers.length === 0) {
      log('upgrade rejected 400: no supported subprotocol offered');
      return rejectUpgrade(
        socket,
        400,
        'Unsupported subprotocol; offer jwt.TOKEN, jwt-auth.TOKEN or bearer.TOKEN',
      );
    }
    const verify: TokenVerifier =
      scenario === 'auth_fail'
        ? () => Promise.resolve({ ok: false, reason: 'Token rejected (auth_fail scenario)' })
        : (token) => verifyToken(token, options.jwtSecret);
    const auth = await authenticateUpgrade(req.headers, offers, url, verify);
    if (auth.protocol !== null) echoedProtocols.set(req, auth.protocol);
    if (closing !== null || socket.destroyed) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) =>
      onWebSocket(ws, scenario, auth.source ?? 'none', auth.verdict, url.pathname),
    );
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (error) => log(`upgrade socket error: ${error.message}`));
    pending.add(socket);
    socket.once('close', () => pending.delete(socket));
    if (closing !== null) {
      socket.destroy();
      return;
    }
    handleUpgrade(req, socket, head).catch((error: unknown) => {
      log(`upgrade failed: ${error instanceof Error ? error.message : String(error)}`);
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    http.once('error', onError);
    http.listen(options.port ?? 0, host, () => {
      http.off('error', onError);
      resolve();
    });
  });
  http.on('error', (error) => log(`server error: ${error.message}`));

  const port = (http.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  const close = (): Promise<void> => {
    closing ??= (async () => {
      for (const connection of connections) connection.dispose();
      connections.clear();
      const socketsClosed = [...sockets].map(
        (ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())),
      );
      for (const ws of sockets) ws.terminate();
      for (const socket of pending) socket.destroy();
      pending.clear();
      wss.close();
      const serverClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await Promise.all([serverClosed, ...socketsClosed]);
    })();
    return closing;
  };

  return { url: `ws://${urlHost}:${port}${path}`, port, close };
}

/** Answers an upgrade request with a plain HTTP error and ends the socket. */
function rejectUpgrade(socket: Duplex, status: number, message: string, extraHeaders = ''): void {
  const body = `${message}\n`;
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      extraHeaders +
      '\r\n' +
      body,
  );
}
