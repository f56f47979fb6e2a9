import { connect, type Socket } from 'node:net';

/** A WebSocket client written by hand, so that it can do what no library lets it: never read. */
export interface RawWebSocket {
  socket: Socket;
  /** Resolves when the server ends or resets the connection. */
  closed: Promise<void>;
  /** Writes one masked client frame; false when the socket's buffer is full. */
  send(payload: Buffer | string, opcode?: number): boolean;
}

/**
 * Opens a WebSocket to `url` with `headers`, waits for the 101, then stops reading for good: from
 * then on only the kernel buffers what the server sends, and the server's own buffers fill up.
 */
export function openUnreadingSocket(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 2000,
): Promise<RawWebSocket> {
  const { hostname, port, pathname, search } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no 101 within ${timeoutMs} ms`));
    }, timeoutMs);
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.pause();
      if (!head.startsWith('HTTP/1.1 101 ')) {
        socket.destroy();
        reject(new Error(`upgrade refused: ${head.split('\r\n')[0] ?? ''}`));
        return;
      }
      resolve({ socket, closed, send: (payload, opcode) => socket.write(frame(payload, opcode)) });
    };
    socket.on('data', onData);
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(
      `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n' +
        `Sec-WebSocket-Version: 13\r\n${lines.join('')}\r\n`,
    );
  });
}

/** One final client frame (text by default) with a zero mask, which leaves the payload as it is. */
export function frame(payload: Buffer | string, opcode = 0x1): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = data.length;
  const size = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const header = Buffer.alloc(size + 4);
  header[0] = 0x80 | opcode;
  if (size === 2) header[1] = 0x80 | length;
  else if (size === 4) {
    header[1] = 0x80 | 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, data]);
}

/** A JSON array nested `depth` levels deep, as bytes: `[[[...]]]`. */
export function nestedArray(depth: number): Buffer {
  const bytes = Buffer.alloc(depth * 2, '[');
  bytes.fill(']', depth);
  return bytes;
}
