import type WebSocket from 'ws';

/** How much a client may leave unread, and for how long. */
export interface OutputGateOptions {
  /** Bytes the server may hold for the client (`bufferedAmount`) before it waits for it to read. */
  maxUnreadBytes: number;
  /** Milliseconds a client over `maxUnreadBytes` may read nothing before `onStuck` is called. */
  unreadTimeoutMs: number;
  /** Called once, with the bytes it left unread, when the client read nothing for `unreadTimeoutMs`. */
  onStuck: (unreadBytes: number) => void;
}

// How often a waiting gate looks whether the client has caught up: ws announces no 'drain'.
const POLL_MS = 10;

/**
 * Keeps what the server holds for one client bounded: while the client has more than
 * `maxUnreadBytes` unread, writes wait in order and the client's own frames are not read (so its
 * pings, triggers and floods stay in the kernel's buffers, not ours); a client that does not catch
 * up (reads nothing) within `unreadTimeoutMs` is reported stuck.
 */
export class OutputGate {
  private readonly ws: WebSocket;
  private readonly options: OutputGateOptions;
  private waiting: (() => void)[] = [];
  private poll: NodeJS.Timeout | null = null;
  // When the client last read something while the gate waited, and how much it had left then.
  private progressAtMs = 0;
  private lastUnread = 0;
  private disposed = false;

  constructor(ws: WebSocket, options: OutputGateOptions) {
    this.ws = ws;
    this.options = options;
  }

  /** Runs `write` now if nothing waits and the client keeps up, else after what waits, once it has read. */
  whenWritable(write: () => void): void {
    if (this.disposed) return;
    if (this.waiting.length === 0 && !this.isOverBound()) {
      write();
      return;
    }
    this.waiting.push(write);
    if (this.poll === null) this.block();
  }

  /** Drops every waiting write and stops looking; safe to call more than once. */
  dispose(): void {
    this.disposed = true;
    this.waiting = [];
    if (this.poll !== null) clearInterval(this.poll);
    this.poll = null;
  }

  private isOverBound(): boolean {
    return this.ws.bufferedAmount > this.options.maxUnreadBytes;
  }

  private block(): void {
    this.progressAtMs = Date.now();
    this.lastUnread = this.ws.bufferedAmount;
    this.ws.pause();
    this.poll = setInterval(() => this.release(), POLL_MS);
  }

  private release(): void {
    while (this.waiting.length > 0 && !this.isOverBound() && !this.disposed) {
      this.waiting.shift()?.();
    }
    if (this.disposed) return;
    const unread = this.ws.bufferedAmount;
    if (this.waiting.length === 0) {
      if (this.poll !== null) clearInterval(this.poll);
      this.poll = null;
      this.ws.resume();
    } else if (unread < this.lastUnread) {
      // A slow reader is not a stuck one.
      this.progressAtMs = Date.now();
      this.lastUnread = unread;
    } else if (Date.now() - this.progressAtMs > this.options.unreadTimeoutMs) {
      this.dispose();
      this.options.onStuck(unread);
    }
  }
}
