import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import {
  buildNamedTrigger,
  buildRunTrigger,
  buildTemplateTrigger,
  withThreadId,
} from '../../src/run/trigger.js';
import { isNamedTrigger } from '../../src/settings/parse.js';
import { canonicalProfile } from '../helpers/profiles.js';

const values = {
  thread_id: 'thread-1',
  run_id: 'run-1',
  user_id: 'user-1',
  message: 'Say "hi"\nplease',
  agent: 'data_helper',
};

describe('named triggers', () => {
  it('agent_execution is the canonical trigger of docs/protocol.md section 4', () => {
    expect(buildNamedTrigger('agent_execution', values)).toEqual({
      frame: {
        type: 'agent_execution',
        agent_type: 'data_helper',
        message: values.message,
        thread_id: 'thread-1',
        run_id: 'run-1',
        user_context: { user_id: 'user-1' },
      },
      info: { type: 'agent_execution', thread_id: 'thread-1', run_id: 'run-1', user_id: 'user-1' },
    });
  });
  it('start_agent carries the request under payload.user_request', () => {
    const { frame } = buildNamedTrigger('start_agent', values);
    expect(frame).toMatchObject({
      type: 'start_agent',
      payload: { user_request: values.message, thread_id: 'thread-1' },
    });
  });
  it('user_message carries the request as payload.content, what the servers read, and as payload.text', () => {
    const { frame } = buildNamedTrigger('user_message', values);
    expect(frame).toEqual({
      type: 'user_message',
      payload: {
        content: values.message,
        text: values.message,
        thread_id: 'thread-1',
        run_id: 'run-1',
      },
    });
  });
  it.each([
    ['agent_execution', true],
    ['start_agent', true],
    ['user_message', true],
    ['./trigger.json', false],
  ])('isNamedTrigger(%s) = %s', (name, named) => expect(isNamedTrigger(name)).toBe(named));
});

describe('template triggers', () => {
  it('fills placeholders inside strings with JSON-escaped values', () => {
    const template =
      '{"type":"chat","payload":{"text":"{{message}}","thread":"{{ thread_id }}","run":"{{run_id}}","user":"{{user_id}}"}}';
    const built = buildTemplateTrigger(template, 't.json', values);
    expect(built.frame).toEqual({
      type: 'chat',
      payload: { text: values.message, thread: 'thread-1', run: 'run-1', user: 'user-1' },
    });
    expect(built.info).toEqual({
      type: 'chat',
      thread_id: 'thread-1',
      run_id: 'run-1',
      user_id: 'user-1',
    });
  });
  it.each([
    ['not JSON', '{"type": chat}', /not JSON/],
    ['an array', '[1,2]', /must be a JSON object/],
    ['no type', '{"payload":{}}', /has no "type"/],
    ['empty type', '{"type":""}', /has no "type"/],
  ])('rejects a template that is %s', (_, template, message) => {
    expect(() => buildTemplateTrigger(template, 't.json', values)).toThrow(message);
    expect(() => buildTemplateTrigger(template, 't.json', values)).toThrow(UsageError);
  });
});

describe('profile triggers', () => {
  const ids = (): (() => string) => {
    let n = 0;
    return () => `id-${(n += 1)}`;
  };

  it("the canonical profile's trigger is the named agent_execution trigger", () => {
    const template = JSON.stringify(canonicalProfile().spec.trigger);
    const source = { kind: 'template', text: template, source: 'p', requireType: false } as const;
    const settings = { message: values.message, agent: values.agent };
    expect(buildRunTrigger(source, settings, 'user-1', ids())).toEqual(
      buildRunTrigger({ kind: 'named', name: 'agent_execution' }, settings, 'user-1', ids()),
    );
  });

  it('fills {{uuid}} with a fresh id at each occurrence and needs no type', () => {
    const template =
      '{"threadId":"{{thread_id}}","messages":[{"id":"{{uuid}}"},{"id":"{{uuid}}"}]}';
    const built = buildTemplateTrigger(template, 'profile.json', values, {
      requireType: false,
      newId: ids(),
    });
    expect(built.frame).toEqual({
      threadId: 'thread-1',
      messages: [{ id: 'id-1' }, { id: 'id-2' }],
    });
    expect(built.info.type).toBe('(no type field)');
  });
});

describe('the trigger after a handshake', () => {
  it("carries the server's thread_id wherever the trigger had ours, and nothing else changes", () => {
    const ours = '7f1c3a52-thread';
    const sent = {
      type: 'chat',
      thread_id: ours,
      payload: { thread: ours, label: `thread-${ours}`, run_id: 'run-1', n: 3, list: [ours, null] },
    };
    expect(withThreadId(sent, ours, 'thread_server')).toEqual({
      type: 'chat',
      thread_id: 'thread_server',
      payload: {
        thread: 'thread_server',
        label: 'thread-thread_server',
        run_id: 'run-1',
        n: 3,
        list: ['thread_server', null],
      },
    });
    expect(sent.thread_id).toBe(ours);
  });

  it('keeps a template member named __proto__ a member', () => {
    const sent = JSON.parse('{"type":"chat","__proto__":{"thread_id":"t-1"}}') as unknown;
    const again = withThreadId(sent, 't-1', 't-2');
    expect(JSON.stringify(again)).toBe('{"type":"chat","__proto__":{"thread_id":"t-2"}}');
  });
});
