import { connect } from 'node:net';

/** How the server answered a request written byte for byte. */
export interface RawAnswer {
  /** The status code of the response, or null when no status line arrived. */
  status: number | null;
  /** Everything the server sent. */
  text: string;
  /** True when the server ended the connection before the deadline. */
  closedByServer: boolean;
}

/** A well-formed WebSocket upgrade request for `path`, with `extra` header lines (each ending in CRLF). */
export function upgradeRequest(path = '/ws', extra = '', method = 'GET'): string {
  return (
    `${method} ${path} HTTP/1.1\r\n` +
    'Host: 127.0.0.1\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    extra +
    '\r\n'
  );
}

/** Standard upgrade headers: a valid key and version 13. */
export const KEY_AND_VERSION =
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** Writes `request` to `port` on 127.0.0.1 and reads until the server closes or `timeoutMs` passes. */
export function sendRaw(port: number, request: string, timeoutMs = 2000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let settled = false;
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1];
      resolve({ status: status === undefined ? null : Number(status), text, closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after the answer still counts as the server closing.
    socket.on('error', () => finish(true));
    socket.write(request);
  });
}
