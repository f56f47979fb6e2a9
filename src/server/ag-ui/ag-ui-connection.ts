import { randomUUID } from 'node:crypto';
import type WebSocket from 'ws';
import { FlowPlayer } from '../flow-player.js';
import { rawToBuffer } from '../messages.js';
import type { OutputGateOptions } from '../output-gate.js';
import { agUiEvent } from './events.js';
import { buildAgUiRun } from './run-flow.js';
import { parseRunInput } from './run-input.js';
import type { AgUiScenarioName } from './scenarios.js';

/** What one AG-UI connection needs from its server. */
export interface AgUiConnectionOptions {
  ws: WebSocket;
  scenario: AgUiScenarioName;
  stepDelayMs: number;
  /** Runs one client may have going at once; an input past it gets RUN_ERROR TOO_MANY_RUNS. */
  maxRunsInFlight: number;
  /** How much the client may leave unread, and what happens when it reads nothing for too long. */
  output: OutputGateOptions;
}

/** One AG-UI client over WebSocket: every RunAgentInput it sends starts a run streamed back as events. */
export class AgUiConnection {
  private readonly options: AgUiConnectionOptions;
  private readonly player: FlowPlayer;

  constructor(options: AgUiConnectionOptions) {
    this.options = options;
    this.player = new FlowPlayer(options.ws, {
      output: options.output,
      maxRunsInFlight: options.maxRunsInFlight,
      // AG-UI runs are made of events only: no leaks, no heartbeats.
      performOwn: () => true,
    });
  }

  /** True while the socket is open and the connection has not been disposed. */
  get isOpen(): boolean {
    return this.player.isOpen;
  }

  /** Starts handling client messages; AG-UI has no frame of its own for a new connection. */
  start(): void {
    this.options.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
  }

  /** Sends one JSON frame once the client has read enough. */
  sendJson(frame: unknown): void {
    this.player.sendJson(frame);
  }

  /** Cancels every timer of this connection; safe to call more than once. */
  dispose(): void {
    this.player.dispose();
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    let value: unknown;
    try {
      value = isBinary ? undefined : JSON.parse(rawToBuffer(data).toString('utf8'));
    } catch {
      value = undefined;
    }
    const parsed =
      value === undefined
        ? { problem: 'a RunAgentInput is one JSON text frame' }
        : parseRunInput(value);
    if ('problem' in parsed) return this.refuse(parsed.problem, 'INVALID_RUN_INPUT');
    const { scenario, stepDelayMs } = this.options;
    if (!this.player.playRun(buildAgUiRun(scenario, parsed.input, randomUUID, stepDelayMs))) {
      this.refuse(`${this.player.runs} runs are in flight on this connection`, 'TOO_MANY_RUNS');
    }
  }

  private refuse(message: string, code: string): void {
    this.sendJson(agUiEvent('RUN_ERROR', { message, code }, Date.now()));
  }
}
