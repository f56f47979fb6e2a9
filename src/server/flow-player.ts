import WebSocket from 'ws';
import { OutputGate, type OutputGateOptions } from './output-gate.js';

/** Builds one JSON frame at `nowMs` (epoch milliseconds). */
export type FrameBuilder = (nowMs: number) => Record<string, unknown>;

/** One thing a flow does after waiting `delayMs` from the previous step. */
export type FlowStep = { delayMs: number } & (
  | { action: 'json'; agentEvent: boolean; build: FrameBuilder }
  | { action: 'text'; text: string }
  | { action: 'binary'; data: Buffer }
  | { action: 'oversized'; build: () => Buffer }
  | { action: 'leak'; build: FrameBuilder }
  | { action: 'close'; code: number; reason: string }
  | { action: 'drop' }
  | { action: 'heartbeats'; on: boolean }
);

/** A step that only the connection playing it knows how to perform. */
export type OwnStep = Extract<FlowStep, { action: 'leak' | 'heartbeats' }>;

/** What a player needs besides its socket. */
export interface FlowPlayerOptions {
  /** How much the client may leave unread, and what happens when it reads nothing for too long. */
  output: OutputGateOptions;
  /** Runs the client may have going at once. */
  maxRunsInFlight: number;
  /** Performs the steps that belong to the connection; false stops the flow. */
  performOwn: (step: OwnStep, nowMs: number) => boolean;
}

/**
 * Plays the flows of one connection: each step waits its delay, then for the client to have read
 * enough (so that a client that does not read holds its runs still), and is performed on the socket.
 */
export class FlowPlayer {
  /** Agent events sent so far, for heartbeat statistics. */
  agentEventsSent = 0;
  private readonly ws: WebSocket;
  private readonly options: FlowPlayerOptions;
  private readonly gate: OutputGate;
  private readonly timers = new Set<NodeJS.Timeout>();
  private runsInFlight = 0;
  private disposed = false;

  constructor(ws: WebSocket, options: FlowPlayerOptions) {
    this.ws = ws;
    this.options = options;
    this.gate = new OutputGate(ws, options.output);
  }

  /** True while the socket is open and the player has not been disposed. */
  get isOpen(): boolean {
    return !this.disposed && this.ws.readyState === WebSocket.OPEN;
  }

  /** How many runs are going. */
  get runs(): number {
    return this.runsInFlight;
  }

  /** Sends one JSON frame once the client has read enough, if the socket is still open then. */
  sendJson(frame: unknown): void {
    this.gate.whenWritable(() => this.writeJson(frame));
  }

  /** Plays one run's steps; false, playing nothing, when the most runs allowed are going already. */
  playRun(steps: readonly FlowStep[]): boolean {
    if (this.runsInFlight >= this.options.maxRunsInFlight) return false;
    this.runsInFlight += 1;
    this.play(steps, 0, false, () => (this.runsInFlight -= 1));
    return true;
  }

  /** Calls `fn` after `delayMs` unless the player is disposed first. */
  private schedule(fn: () => void, delayMs: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Cancels every timer and waiting write; safe to call more than once. */
  dispose(): void {
    this.disposed = true;
    this.gate.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private writeJson(frame: unknown): void {
    if (this.isOpen) this.ws.send(JSON.stringify(frame));
  }

  /** Plays steps from `index`; a step waits its delay unless `waited`; `done` ends the run. */
  private play(steps: readonly FlowStep[], index: number, waited: boolean, done: () => void): void {
    const step = steps[index];
    if (step === undefined || !this.isOpen) return done();
    if (step.delayMs > 0 && !waited) {
      this.schedule(() => this.play(steps, index, true, done), step.delayMs);
      return;
    }
    this.gate.whenWritable(() => {
      if (this.isOpen && this.perform(step)) this.play(steps, index + 1, false, done);
      else done();
    });
  }

  /** Performs one step; false when the flow must stop (the connection is closing). */
  private perform(step: FlowStep): boolean {
    switch (step.action) {
      case 'json':
        if (step.agentEvent) this.agentEventsSent += 1;
        this.writeJson(step.build(Date.now()));
        return true;
      case 'text':
        this.ws.send(step.text);
        return true;
      case 'binary':
        this.ws.send(step.data, { binary: true });
        return true;
      case 'oversized':
        this.ws.send(step.build(), { binary: false });
        return true;
      case 'close':
        this.ws.close(step.code, step.reason);
        this.dispose();
        return false;
      case 'drop':
        this.dropWhenFlushed();
        return false;
      case 'leak':
      case 'heartbeats':
        return this.options.performOwn(step, Date.now());
    }
  }

  /** Destroys the socket without a close frame once the frames already sent have left the process. */
  private dropWhenFlushed(): void {
    if (this.ws.bufferedAmount > 0 && this.ws.readyState === WebSocket.OPEN) {
      this.schedule(() => this.dropWhenFlushed(), 5);
      return;
    }
    this.dispose();
    this.ws.terminate();
  }
}
