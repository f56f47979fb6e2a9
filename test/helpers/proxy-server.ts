import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';

/** A CONNECT the proxy was asked for: the host:port, and the Proxy-Authorization it came with. */
export interface SeenConnect {
  target: string;
  authorization: string | undefined;
}

/** An HTTP proxy on 127.0.0.1 that records every CONNECT and plain request it is sent. */
export interface TestProxy {
  /** `http://127.0.0.1:PORT`, without credentials. */
  url: string;
  port: number;
  readonly connects: SeenConnect[];
  /** Plain (non-CONNECT) requests, as their request line's target. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function listen(server: Server): Promise<TestProxy> {
  const connects: SeenConnect[] = [];
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: IncomingMessage) => {
    connects.push({ target: req.url ?? '', authorization: req.headers['proxy-authorization'] });
  });
  server.on('request', (req: IncomingMessage) => requests.push(req.url ?? ''));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    requests,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Starts a real HTTP proxy (the `proxy` package) on 127.0.0.1 port 0; with `credentials`
 * (`user:password`) it answers 407 to a CONNECT without the matching Basic Proxy-Authorization.
 */
export function startTestProxy(options: { credentials?: string } = {}): Promise<TestProxy> {
  const server = createProxy(createServer());
  const { credentials } = options;
  if (credentials !== undefined) {
    const expected = `Basic ${Buffer.from(credentials).toString('base64')}`;
    server.authenticate = (req) => req.headers['proxy-authorization'] === expected;
  }
  return listen(server);
}

/** Starts a proxy that refuses every CONNECT with `status`, as a proxy whose rules forbid it. */
export function startRefusingProxy(status = 403, statusText = 'Forbidden'): Promise<TestProxy> {
  const server = createServer();
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.end(`HTTP/1.1 ${status} ${statusText}\r\nContent-Length: 0\r\n\r\n`);
  });
  return listen(server);
}
