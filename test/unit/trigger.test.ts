import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/shared/errors.js';
import { buildNamedTrigger, buildTemplateTrigger } from '../../src/run/trigger.js';
import { isNamedTrigger } from '../../src/settings/parse.js';

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
  it('user_message carries the request under payload.text', () => {
    const { frame } = buildNamedTrigger('user_message', values);
    expect(frame).toMatchObject({ type: 'user_message', payload: { text: values.message } });
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
