import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import type { AgUiScenarioName } from './ag-ui/scenarios.js';
import { AgentConnection } from './agent-connection.js';
import { escapeControlCharacters } from './log-text.js';
import { buildAuthFailed } from './messages.js';
import type { OutputGateOptions } from './output-gate.js';
import { isScenarioOf, type ScenarioName, type ServerProtocol } from './scenarios.js';
import { resolveServerSettings, type ReferenceServerOptions } from './server-settings.js';
import { decideUpgrade, refuseUpgrade, type UpgradeAcceptance } from './upgrade.js';

/** A running reference server. */
export interface ReferenceServer {
  /** `ws://host:port/path` of the main WebSocket endpoint. */
  url: string;
  /** The port actually bound. */
  port: number;
  /** The protocol it speaks. */
  protocol: ServerProtocol;
  /** Terminates every client, stops listening and resolves once the port is released. */
  close(): Promise<void>;
}

/** One client connection, whatever the protocol. */
interface Connection {
  readonly isOpen: boolean;
  start(): void;
  sendJson(frame: unknown): void;
  dispose(): void;
}

const ALIAS_PATH = '/api/v1/websocket';

/** Starts the reference agent server of docs/protocol.md section 8 and resolves once it listens. */
export async function startReferenceServer(
  options: ReferenceServerOptions,
): Promise<ReferenceServer> {
  const settings = resolveServerSettings(options);
  const { host, path, protocol } = settings;
  // The AG-UI side is loaded only by a server that speaks it.
  const agUi = protocol === 'ag-ui' ? await import('./ag-ui/ag-ui-connection.js') : null;
  // Client text (a ?scenario=, a token's sub, an error) reaches these lines: escaped once, here.
  const log = (line: string): void => options.log?.(escapeControlCharacters(line));

  const sockets = new Set<WebSocket>();
  // Every upgrade socket until it closes, so close() can end handshakes still in progress.
  const pending = new Set<Duplex>();
  // Insertion order makes the last live entry "the most recent other connection" for cross_talk.
  const connections = new Set<Connection>();
  const echoedProtocols = new WeakMap<IncomingMessage, string>();
  let closing: Promise<void> | null = null;

  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: settings.maxFrameBytes,
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

  const findPeer = (self: Connection): Connection | null => {
    let peer: Connection | null = null;
    for (const connection of connections) {
      if (connection !== self && connection.isOpen) peer = connection;
    }
    return peer;
  };

  const openConnection = (
    ws: WebSocket,
    connectionId: string,
    userId: string,
    scenario: string,
  ): Connection => {
    const output: OutputGateOptions = {
      maxUnreadBytes: settings.maxUnreadBytes,
      unreadTimeoutMs: settings.unreadTimeoutMs,
      onStuck: (unread) => {
        log(`${connectionId} dropped: ${unread} bytes unread for ${settings.unreadTimeoutMs} ms`);
        ws.terminate();
      },
    };
    const { stepDelayMs, maxRunsInFlight } = settings;
    if (agUi !== null) {
      const agUiScenario = scenario as AgUiScenarioName;
      return new agUi.AgUiConnection({
        ws,
        scenario: agUiScenario,
        stepDelayMs,
        maxRunsInFlight,
        output,
      });
    }
    const handshake = scenario === 'handshake_never' ? 'never' : settings.handshake ? 'on' : 'off';
    return new AgentConnection({
      ws,
      connectionId,
      userId,
      scenario: scenario as ScenarioName,
      stepDelayMs,
      heartbeatMs: settings.heartbeatMs,
      handshake,
      maxRunsInFlight,
      output,
      findPeer,
    });
  };

  const onWebSocket = (ws: WebSocket, { scenario, pathname, auth }: UpgradeAcceptance): void => {
    const connectionId = `main_${randomBytes(6).toString('hex')}`;
    sockets.add(ws);
    ws.on('error', (error) => log(`${connectionId} socket error: ${error.message}`));
    ws.on('close', (code) => {
      sockets.delete(ws);
      log(`${connectionId} closed ${code}`);
    });
    const { verdict } = auth;
    if (!verdict.ok) {
      log(`${connectionId} auth failed (${verdict.reason}) path=${pathname} scenario=${scenario}`);
      ws.send(JSON.stringify(buildAuthFailed(verdict.reason, Date.now())));
      ws.close(1008, 'Authentication failed');
      return;
    }
    const connection = openConnection(ws, connectionId, verdict.userId, scenario);
    connections.add(connection);
    ws.on('close', () => {
      connection.dispose();
      connections.delete(connection);
    });
    const source = auth.source ?? 'none';
    log(
      `${connectionId} open user=${verdict.userId} auth=${source} path=${pathname} scenario=${scenario}`,
    );
    connection.start();
  };

  const handleUpgrade = async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const decision = await decideUpgrade(req, {
      paths: [path, ALIAS_PATH],
      defaultScenario: settings.scenario,
      isScenario: (name) => isScenarioOf(protocol, name),
      jwtSecret: settings.jwtSecret,
      authFailure: protocol === 'ag-ui' ? 'http' : 'frame',
    });
    if ('refuse' in decision) {
      if (decision.refuse.log !== undefined) log(decision.refuse.log);
      return refuseUpgrade(socket, decision.refuse);
    }
    const accepted = decision.accept;
    if (accepted.auth.protocol !== null) echoedProtocols.set(req, accepted.auth.protocol);
    if (closing !== null || socket.destroyed) {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onWebSocket(ws, accepted));
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
    http.listen(settings.port, host, () => {
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

  return { url: `ws://${urlHost}:${port}${path}`, port, protocol, close };
}
