import { describe, expect, it } from 'vitest';
import { createClientHandshake, type HandshakeMode } from '../../src/session/handshake.js';

const NOW = new Date('2025-10-20T12:00:00.000Z');
const response = { type: 'handshake_response', thread_id: 'thread_s1', run_id: 'run_s1_1' };
const complete = { type: 'handshake_complete' };
const established = { type: 'connection_established', data: {} };
const started = { type: 'agent_started', thread_id: 'T' };
const acknowledge = {
  action: 'acknowledge',
  frame: { type: 'handshake_acknowledged', thread_id: 'thread_s1', timestamp: NOW.toISOString() },
};

const open = (mode: HandshakeMode) => createClientHandshake(mode, () => NOW);

describe('the client handshake', () => {
  it('auto: sends the trigger on open, and nothing more to a server without a handshake', () => {
    const handshake = open('auto');
    expect(handshake.opened()).toEqual({ action: 'trigger', threadId: null });
    expect(handshake.received(established, false)).toEqual({ action: 'none' });
    expect(handshake.received(started, true)).toEqual({ action: 'none' });
    // A handshake_response after agent events is too late to change the run.
    expect(handshake.received(response, false)).toEqual({ action: 'none' });
    expect(handshake.waitExpired()).toEqual({ action: 'none' });
  });

  it('auto: answers a handshake_response, then sends the trigger again with its thread_id on handshake_complete', () => {
    const handshake = open('auto');
    handshake.opened();
    expect(handshake.received(established, false)).toEqual({ action: 'none' });
    expect(handshake.received(response, false)).toEqual(acknowledge);
    expect(handshake.received({ type: 'ack', received_type: 'agent_execution' }, false)).toEqual({
      action: 'none',
    });
    expect(handshake.received(complete, false)).toEqual({
      action: 'trigger',
      threadId: 'thread_s1',
    });
    // Once is all: a second handshake_response is not answered.
    expect(handshake.received(response, false)).toEqual({ action: 'none' });
  });

  it('auto: sends the trigger with the thread_id when handshake_complete does not come in time', () => {
    const handshake = open('auto');
    handshake.opened();
    handshake.received(response, false);
    expect(handshake.waitExpired()).toEqual({ action: 'trigger', threadId: 'thread_s1' });
    expect(handshake.received(complete, false)).toEqual({ action: 'none' });
  });

  it('auto: does not send the trigger again when the first one runs after all', () => {
    const handshake = open('auto');
    handshake.opened();
    handshake.received(response, false);
    expect(handshake.received(started, true)).toEqual({ action: 'none' });
    expect(handshake.received(complete, false)).toEqual({ action: 'none' });
    expect(handshake.waitExpired()).toEqual({ action: 'none' });
  });

  it('on: sends nothing until the handshake, then the trigger with the server thread_id', () => {
    const handshake = open('on');
    expect(handshake.opened()).toEqual({ action: 'await' });
    expect(handshake.received(established, false)).toEqual({ action: 'none' });
    expect(handshake.received(response, false)).toEqual(acknowledge);
    expect(handshake.received(complete, false)).toEqual({
      action: 'trigger',
      threadId: 'thread_s1',
    });
  });

  it('on: fails when the wait for handshake_response runs out', () => {
    const handshake = open('on');
    handshake.opened();
    handshake.received(established, false);
    expect(handshake.waitExpired()).toEqual({ action: 'fail' });
    expect(handshake.received(response, false)).toEqual({ action: 'none' });
  });

  it('on: ignores a handshake_response without a thread_id', () => {
    const handshake = open('on');
    handshake.opened();
    expect(handshake.received({ type: 'handshake_response' }, false)).toEqual({ action: 'none' });
    expect(handshake.received({ ...response, thread_id: 7 }, false)).toEqual({ action: 'none' });
    expect(handshake.received(undefined, false)).toEqual({ action: 'none' });
  });

  it('off: sends the trigger on open and never answers', () => {
    const handshake = open('off');
    expect(handshake.opened()).toEqual({ action: 'trigger', threadId: null });
    expect(handshake.received(response, false)).toEqual({ action: 'none' });
    expect(handshake.received(complete, false)).toEqual({ action: 'none' });
    expect(handshake.waitExpired()).toEqual({ action: 'none' });
  });
});
