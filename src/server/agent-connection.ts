import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { buildRunFlow, type FlowStep } from './agent-flow.js';
import { isTriggerType, parseTrigger } from './trigger.js';
import {
  buildAck,
  buildConnectionEstablished,
  buildErrorMessage,
  buildHeartbeat,
  buildPong,
  isRecord,
} from './messages.js';
import { ConnectionHandshake, type HandshakeMode } from './handshake.js';
import { OutputGate, type OutputGateOptions } from './output-gate.js';
import { answerTestFramework, buildTestFrameworkEstablished } from './test-framework.js';
import type { ScenarioName } from './scenarios.js';

/** What one authenticated connection needs from its server. */
export interface AgentConnectionOptions {
  ws: WebSocket;
  connectionId: string;
  userId: string;
  scenario: ScenarioName;
  stepDelayMs: number;
  heartbeatMs: number;
  /** Whether triggers wait for the handshake of current servers. */
  handshake: HandshakeMode;
  /** Runs one client may have going at once; a trigger past it is refused with TOO_MANY_RUNS. */
  maxRunsInFlight: number;
  /** How much the client may leave unread, and what happens when it reads nothing for too long. */
  output: OutputGateOptions;
  /** The connection that receives this one's leaked events in the `cross_talk` scenario. */
  findPeer: (self: AgentConnection) => AgentConnection | null;
}

/** One authenticated client: answers pings, acks unknown types and plays a flow per trigger. */
export class AgentConnection {
  readonly connectionId: string;
  readonly userId: string;
  readonly scenario: ScenarioName;
  private readonly ws: WebSocket;
  private readonly options: AgentConnectionOptions;
  private readonly gate: OutputGate;
  private readonly handshake: ConnectionHandshake;
  private readonly timers = new Set<NodeJS.Timeout>();
  private runsInFlight = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private heartbeatHolders = 0;
  private messagesProcessed = 0;
  private agentEventsProcessed = 0;
  private disposed = false;

  constructor(options: AgentConnectionOptions) {
    this.options = options;
    this.ws = options.ws;
    this.connectionId = options.connectionId;
    this.userId = options.userId;
    this.scenario = options.scenario;
    this.gate = new OutputGate(options.ws, options.output);
    this.handshake = new ConnectionHandshake(options.handshake, randomUUID);
  }

  /** True while the socket is open and the connection has not been disposed. */
  get isOpen(): boolean {
    return !this.disposed && this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends connection_established and starts handling client messages. */
  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.dispose());
    const now = Date.now();
    const established =
      this.scenario === 'test_server' ? buildTestFrameworkEstablished : buildConnectionEstablished;
    this.sendJson(established(this.userId, this.connectionId, now));
    for (const frame of this.handshake.opening(now)) this.sendJson(frame);
  }

  /** Sends one JSON frame once the client has read enough, if the socket is still open then. */
  sendJson(frame: unknown): void {
    this.gate.whenWritable(() => this.writeJson(frame));
  }

  /** Cancels every timer of this connection; safe to call more than once. */
  dispose(): void {
    this.disposed = true;
    this.gate.dispose();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private onMessage(data: WebSocket.RawData, _isBinary: boolean): void {
    this.messagesProcessed += 1;
    const text = rawToBuffer(data).toString('utf8');
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      this.sendJson(buildErrorMessage('JSON_PARSE_ERROR', `Invalid JSON: ${detail}`, Date.now()));
      return;
    }
    if (!isRecord(frame) || typeof frame.type !== 'string' || frame.type.length === 0) {
      this.sendJson(
        buildErrorMessage(
          'INVALID_MESSAGE',
          'Message must be a JSON object with a string "type"',
          Date.now(),
        ),
      );
      return;
    }
    const answer = this.handshake.answer(frame, Date.now());
    if (answer !== null) {
      for (const reply of answer) this.sendJson(reply);
    } else if (frame.type === 'ping') {
      this.sendJson(buildPong(this.userId, Date.now()));
    } else if (this.scenario === 'test_server') {
      const reply = answerTestFramework(frame);
      if ('chat' in reply) this.startRun(frame, text);
      else this.sendJson(reply.reply);
    } else if (isTriggerType(frame.type) && this.handshake.complete) {
      this.startRun(frame, text);
    } else {
      // Like any message without a handler, a trigger before the handshake is over only gets an ack.
      this.sendJson(buildAck(frame.type, this.userId, Date.now()));
    }
  }

  private writeJson(frame: unknown): void {
    if (this.isOpen) this.ws.send(JSON.stringify(frame));
  }

  private startRun(frame: Record<string, unknown>, text: string): void {
    if (this.runsInFlight >= this.options.maxRunsInFlight) {
      const message = `${this.runsInFlight} runs are in flight on this connection; wait for one to end`;
      this.sendJson(buildErrorMessage('TOO_MANY_RUNS', message, Date.now()));
      return;
    }
    const trigger = parseTrigger(frame);
    const steps = buildRunFlow(
      this.scenario,
      {
        ...this.handshake.idsFor(trigger, randomUUID),
        userId: this.userId,
        message: trigger.message,
        triggerText: text,
        triggerType: trigger.type,
        newId: randomUUID,
      },
      this.options.stepDelayMs,
    );
    this.runsInFlight += 1;
    this.play(steps, 0, false, () => (this.runsInFlight -= 1));
  }

  /**
   * Plays steps from `index`: a step waits its delay (unless `waited`), then for the client to have
   * read enough, so that a client that does not read holds its runs still. `done` ends the run.
   */
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
    const now = Date.now();
    switch (step.action) {
      case 'json':
        if (step.agentEvent) this.agentEventsProcessed += 1;
        this.writeJson(step.build(now));
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
      case 'leak': {
        const peer = this.options.findPeer(this);
        peer?.sendJson(step.build(now));
        return true;
      }
      case 'close':
        this.ws.close(step.code, step.reason);
        this.dispose();
        return false;
      case 'drop':
        this.dropWhenFlushed();
        return false;
      case 'heartbeats':
        this.toggleHeartbeats(step.on);
        return true;
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

  private toggleHeartbeats(on: boolean): void {
    this.heartbeatHolders = Math.max(0, this.heartbeatHolders + (on ? 1 : -1));
    if (this.heartbeatHolders > 0 && this.heartbeat === null && !this.disposed) {
      this.heartbeat = setInterval(() => {
        this.sendJson(
          buildHeartbeat(
            this.connectionId,
            {
              messages_processed: this.messagesProcessed,
              agent_events_processed: this.agentEventsProcessed,
            },
            Date.now(),
          ),
        );
      }, this.options.heartbeatMs);
    } else if (this.heartbeatHolders === 0 && this.heartbeat !== null) {
      clearInterval(this.heartbeat);
      this.heartbeat = null;
    }
  }

  private schedule(fn: () => void, delayMs: number): void {
    if (this.disposed) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, delayMs);
    this.timers.add(timer);
  }
}

function rawToBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
