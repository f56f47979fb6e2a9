import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { buildRunFlow } from './agent-flow.js';
import { FlowPlayer, type OwnStep } from './flow-player.js';
import { isTriggerType, parseTrigger } from './trigger.js';
import {
  buildAck,
  buildConnectionEstablished,
  buildErrorMessage,
  buildHeartbeat,
  buildPong,
  isRecord,
  rawToBuffer,
} from './messages.js';
import { ConnectionHandshake, type HandshakeMode } from './handshake.js';
import type { OutputGateOptions } from './output-gate.js';
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
  findPeer: (self: AgentConnection) => { sendJson(frame: unknown): void } | null;
}

/** One authenticated client: answers pings, acks unknown types and plays a flow per trigger. */
export class AgentConnection {
  readonly connectionId: string;
  readonly userId: string;
  readonly scenario: ScenarioName;
  private readonly ws: WebSocket;
  private readonly options: AgentConnectionOptions;
  private readonly player: FlowPlayer;
  private readonly handshake: ConnectionHandshake;
  private heartbeat: NodeJS.Timeout | null = null;
  private heartbeatHolders = 0;
  private messagesProcessed = 0;

  constructor(options: AgentConnectionOptions) {
    this.options = options;
    this.ws = options.ws;
    this.connectionId = options.connectionId;
    this.userId = options.userId;
    this.scenario = options.scenario;
    this.player = new FlowPlayer(options.ws, {
      output: options.output,
      maxRunsInFlight: options.maxRunsInFlight,
      performOwn: (step, nowMs) => this.performOwn(step, nowMs),
    });
    this.handshake = new ConnectionHandshake(options.handshake, randomUUID);
  }

  /** True while the socket is open and the connection has not been disposed. */
  get isOpen(): boolean {
    return this.player.isOpen;
  }

  /** Sends connection_established and starts handling client messages. */
  start(): void {
    this.ws.on('message', (data) => this.onMessage(data));
    const now = Date.now();
    const established =
      this.scenario === 'test_server' ? buildTestFrameworkEstablished : buildConnectionEstablished;
    this.sendJson(established(this.userId, this.connectionId, now));
    for (const frame of this.handshake.opening(now)) this.sendJson(frame);
  }

  /** Sends one JSON frame once the client has read enough, if the socket is still open then. */
  sendJson(frame: unknown): void {
    this.player.sendJson(frame);
  }

  /** Cancels every timer of this connection; safe to call more than once. */
  dispose(): void {
    this.player.dispose();
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  private onMessage(data: WebSocket.RawData): void {
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

  private startRun(frame: Record<string, unknown>, text: string): void {
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
    if (!this.player.playRun(steps)) {
      const message = `${this.player.runs} runs are in flight on this connection; wait for one to end`;
      this.sendJson(buildErrorMessage('TOO_MANY_RUNS', message, Date.now()));
    }
  }

  private performOwn(step: OwnStep, nowMs: number): boolean {
    if (step.action === 'leak') {
      this.options.findPeer(this)?.sendJson(step.build(nowMs));
    } else {
      this.toggleHeartbeats(step.on);
    }
    return true;
  }

  private toggleHeartbeats(on: boolean): void {
    this.heartbeatHolders = Math.max(0, this.heartbeatHolders + (on ? 1 : -1));
    if (this.heartbeatHolders > 0 && this.heartbeat === null && this.player.isOpen) {
      this.heartbeat = setInterval(() => {
        this.sendJson(
          buildHeartbeat(
            this.connectionId,
            {
              messages_processed: this.messagesProcessed,
              agent_events_processed: this.player.agentEventsSent,
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
}
