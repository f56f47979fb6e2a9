import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import WebSocket from 'ws';

/** One frame as the test client received it. */
export interface ReceivedFrame {
  kind: 'json' | 'text' | 'binary';
  /** The parsed value when kind is `json`. */
  data?: unknown;
  /** The raw text when kind is `json` or `text` and the frame is small. */
  text?: string;
  /** Size in bytes. */
  size: number;
}

/** A parsed JSON frame as a plain record, for property access in assertions. */
export type JsonFrame = Record<string, unknown> & { type?: unknown };

/** How a test client connection ended. */
export interface CloseResult {
  code: number;
  reason: string;
}

/** Options of one test connection. */
export interface TestClientOptions {
  protocols?: string[];
  headers?: Record<string, string>;
  maxPayload?: number;
}

/** A plain `ws` client that queues every frame on arrival so nothing is lost between awaits. */
export interface TestClient {
  ws: WebSocket;
  frames: ReceivedFrame[];
  /** Resolves on open; rejects on error or an unexpected HTTP response. */
  opened: Promise<void>;
  /** Resolves with the close code and reason, whatever ended the connection. */
  closed: Promise<CloseResult>;
  /** Sends a JSON value as a text frame. */
  sendJson(value: unknown): void;
  /** The next not-yet-consumed frame matching `predicate`, or a rejection naming what did arrive. */
  next(predicate?: (frame: ReceivedFrame) => boolean, timeoutMs?: number): Promise<ReceivedFrame>;
  /** The next JSON frame whose `type` is `type` (any JSON frame when omitted). */
  nextJson(type?: string, timeoutMs?: number): Promise<JsonFrame>;
  /** Waits `ms` and returns every frame not yet consumed, consuming them. */
  collect(ms: number): Promise<ReceivedFrame[]>;
}

/** Test clients that are terminated together at teardown. */
export interface ClientPool {
  connect(url: string, options?: TestClientOptions): TestClient;
  /** Connects and waits for the socket to open. */
  open(url: string, options?: TestClientOptions): Promise<TestClient>;
  terminateAll(): void;
}

/** Creates a pool whose clients `terminateAll()` ends. */
export function createClientPool(): ClientPool {
  const clients = new Set<WebSocket>();
  const connect = (url: string, options: TestClientOptions = {}): TestClient => {
    const client = connectClient(url, options);
    clients.add(client.ws);
    void client.closed.then(() => clients.delete(client.ws));
    return client;
  };
  return {
    connect,
    async open(url, options) {
      const client = connect(url, options);
      await client.opened;
      return client;
    },
    terminateAll() {
      for (const ws of clients) ws.terminate();
      clients.clear();
    },
  };
}

function describe(frame: ReceivedFrame): string {
  if (frame.kind === 'json') {
    const type = (frame.data as JsonFrame | null)?.type;
    return typeof type === 'string' ? type : 'json';
  }
  return `${frame.kind}(${frame.size} B)`;
}

/** Opens a `ws` connection that records every frame and its close. */
export function connectClient(url: string, options: TestClientOptions = {}): TestClient {
  const ws = new WebSocket(url, options.protocols ?? [], {
    headers: options.headers ?? {},
    maxPayload: options.maxPayload ?? 100 * 1024 * 1024,
  });
  const frames: ReceivedFrame[] = [];
  let cursor = 0;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of [...waiters]) waiter();
  };
  let closeResult: CloseResult | null = null;

  ws.on('message', (data, isBinary) => {
    const buffer = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    if (isBinary) {
      frames.push({ kind: 'binary', size: buffer.length });
    } else if (buffer.length > 1024 * 1024) {
      frames.push({ kind: 'text', size: buffer.length });
    } else {
      const text = buffer.toString('utf8');
      try {
        frames.push({ kind: 'json', data: JSON.parse(text), text, size: buffer.length });
      } catch {
        frames.push({ kind: 'text', text, size: buffer.length });
      }
    }
    wake();
  });

  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`unexpected response ${res.statusCode}`), { res }));
      res.resume();
      ws.terminate();
    });
    ws.once('error', reject);
  });
  // Failures are asserted through `opened`; this keeps an unobserved rejection from failing the run.
  opened.catch(() => undefined);
  ws.on('error', () => undefined);

  const closed = new Promise<CloseResult>((resolve) => {
    ws.once('close', (code, reason) => {
      closeResult = { code, reason: reason.toString('utf8') };
      wake();
      resolve(closeResult);
    });
  });

  const next = (
    predicate: (frame: ReceivedFrame) => boolean = () => true,
    timeoutMs = 2000,
  ): Promise<ReceivedFrame> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        for (let i = cursor; i < frames.length; i += 1) {
          const frame = frames[i];
          if (frame !== undefined && predicate(frame)) {
            cursor = i + 1;
            finish();
            resolve(frame);
            return true;
          }
        }
        if (closeResult !== null) {
          finish();
          reject(new Error(`closed ${closeResult.code} before a matching frame; got ${seen()}`));
          return true;
        }
        return false;
      };
      const seen = () => frames.slice(cursor).map(describe).join(', ') || 'nothing';
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${seen()}`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      const waiter = () => void check();
      if (!check()) waiters.add(waiter);
    });

  return {
    ws,
    frames,
    opened,
    closed,
    sendJson: (value) => ws.send(JSON.stringify(value)),
    next,
    async nextJson(type, timeoutMs) {
      const frame = await next(
        (f) => f.kind === 'json' && (type === undefined || (f.data as JsonFrame).type === type),
        timeoutMs,
      );
      return frame.data as JsonFrame;
    },
    async collect(ms) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      const rest = frames.slice(cursor);
      cursor = frames.length;
      return rest;
    },
  };
}

/** The JSON frames among `frames`, as records. */
export function jsonFrames(frames: readonly ReceivedFrame[]): JsonFrame[] {
  return frames.filter((f) => f.kind === 'json').map((f) => f.data as JsonFrame);
}

/** Claims and lifetime of a test token. */
export interface TestTokenOptions {
  sub?: string;
  /** Seconds until `exp`; negative for an expired token. */
  expiresIn?: number;
  extraClaims?: Record<string, unknown>;
}

/** Signs an HS256 token with the section-2 claims, independently of the server's own minting. */
export async function signTestToken(
  secret: string,
  options: TestTokenOptions = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const sub = options.sub ?? 'user-test-1';
  return new SignJWT({
    email: `${sub}@example.test`,
    permissions: ['read', 'write'],
    type: 'access',
    token_type: 'access',
    ...options.extraClaims,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('netra-auth-service')
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (options.expiresIn ?? 600))
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));
}

/** The canonical `agent_execution` trigger of docs/protocol.md section 4. */
export function canonicalTrigger(
  ids: { threadId?: string; runId?: string; userId?: string; message?: string } = {},
) {
  return {
    type: 'agent_execution',
    agent_type: 'data_helper',
    message: ids.message ?? 'Generate brief test response with tool usage',
    thread_id: ids.threadId ?? randomUUID(),
    run_id: ids.runId ?? randomUUID(),
    user_context: { user_id: ids.userId ?? 'user-test-1' },
  };
}

/** The five required event names in canonical order. */
export const FIVE_EVENTS = [
  'agent_started',
  'agent_thinking',
  'tool_executing',
  'tool_completed',
  'agent_completed',
] as const;
