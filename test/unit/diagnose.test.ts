import { describe, expect, it } from 'vitest';
import {
  createDiagnosisContext,
  createDiagnosisFacts,
  diagnoseRun,
  isMissingPath,
  noteFrame,
  noteServerError,
  noteShapeDrift,
  sentTrigger,
  type DiagnosisFacts,
} from '../../src/contract/diagnose.js';
import {
  findEcho,
  isAckFor,
  isAuthFailure,
  isClobberedThinking,
  readErrorText,
  readWrappedEvent,
  roleOf,
} from '../../src/contract/frame-signs.js';
import type { FieldError } from '../../src/contract/types.js';
import type { FrameRecord } from '../../src/contract/frames.js';
import { readType } from '../../src/shared/fields.js';
import { canonicalProfile } from '../helpers/profiles.js';

const trigger = { type: 'agent_execution', thread_id: 'T', run_id: 'R', message: 'hi' };
const { roles } = canonicalProfile();
const context = createDiagnosisContext('agent_execution', trigger, roles);

/** Notes a frame as the judge does, with its type and role read from the frame. */
function note(facts: DiagnosisFacts, frame: FrameRecord): void {
  const type = frame.kind === 'json' ? readType(frame.data) : null;
  noteFrame(facts, frame, context, type, type === null ? undefined : roleOf(roles, type));
}

let seq = 0;
const json = (data: unknown): FrameRecord => ({
  seq: ++seq,
  dir: 'in',
  atMs: null,
  kind: 'json',
  data,
  size: 1,
});
const text = (value: string): FrameRecord => ({
  seq: ++seq,
  dir: 'in',
  atMs: null,
  kind: 'text',
  text: value,
  size: value.length,
});

function codesOf(frames: FrameRecord[], patch: Partial<DiagnosisFacts> = {}): string[] {
  const facts = createDiagnosisFacts();
  for (const frame of frames) note(facts, frame);
  return diagnoseRun({ ...facts, ...patch }).map((d) => d.code);
}

describe('frame recognisers', () => {
  // prettier-ignore
  it.each([
    [{ ...trigger }, trigger, ''],
    [{ ...trigger, message: 'other' }, trigger, null],
    [{ type: 'agent_execution', run_id: 'R', thread_id: 'T', message: 'hi' }, trigger, ''],
    [{ type: 'ack', received_type: 'agent_execution' }, trigger, null],
    [{ ...trigger }, undefined, null],
    // The backend's test-framework server answers a type it does not know this way.
    [{ type: 'echo', original_message: { ...trigger } }, trigger, 'original_message'],
    [{ type: 'echo', original_message: { ...trigger, message: 'other' } }, trigger, null],
    [{ type: 'echo', original_message: JSON.stringify(trigger) }, trigger, 'original_message'],
    [{ type: 'system_message', data: { received: { ...trigger } } }, trigger, 'data.received'],
    [{ type: 'echo', data: [{ ...trigger }] }, trigger, null],
    [{ type: 'heartbeat', original_message: 'hi' }, trigger, null],
  ])('findEcho(%o, %o) -> %o', (frame, sent, expected) => {
    expect(findEcho(frame, sentTrigger(sent))).toBe(expected);
  });

  it.each([
    [{ type: 'ack', received_type: 'agent_execution' }, 'agent_execution', true],
    [{ type: 'ack', received_type: 'ping' }, 'agent_execution', false],
    [{ type: 'ack', received_type: 'ping' }, null, true],
    [{ type: 'ack' }, null, false],
    [{ type: 'heartbeat', received_type: 'agent_execution' }, 'agent_execution', false],
  ])('isAckFor(%o, %s) -> %s', (frame, type, expected) => {
    expect(isAckFor(frame, type)).toBe(expected);
  });

  // prettier-ignore
  it.each([
    [{ type: 'agent_progress', data: { event: 'tool_executing' } }, { outer: 'agent_progress', event: 'tool_executing' }],
    [{ type: 'agent_response_complete', data: { event: 'agent_completed' } }, { outer: 'agent_response_complete', event: 'agent_completed' }],
    [{ type: 'system_message', data: { event: 'user_joined' } }, null],
    [{ type: 'agent_started', data: { event: 'agent_started' } }, null],
    [{ type: 'system_message', event: 'agent_started' }, null],
  ])('readWrappedEvent(%o) -> %o', (frame, expected) => {
    expect(readWrappedEvent(frame, roles)).toEqual(expected);
  });

  it.each([
    [{ type: 'reasoning', reasoning: 'Analyzing...' }, true],
    [{ type: 'thought', data: { reasoning: 'Analyzing...' } }, true],
    [{ type: 'agent_thinking', data: { reasoning: 'Analyzing...' } }, false],
    [{ type: 'reasoning' }, false],
    [{ type: 'agent_progress', data: { event: 'agent_thinking', reasoning: 'x' } }, false],
  ])('isClobberedThinking(%o) -> %s', (frame, expected) => {
    expect(isClobberedThinking(frame, roles)).toBe(expected);
  });

  it.each([
    [{ type: 'error_message', error_code: 'AUTH_FAILED' }, true],
    [{ type: 'error_message', data: { error_code: 'AUTH_FAILED' } }, true],
    [{ type: 'error_message', error_code: 'RATE_LIMITED' }, false],
  ])('isAuthFailure(%o) -> %s', (frame, expected) => {
    expect(isAuthFailure(frame)).toBe(expected);
  });

  it.each([
    [{ type: 'error_message', error_message: 'top' }, 'top'],
    [{ type: 'agent_error', data: { error_message: 'nested', message: 'generic' } }, 'nested'],
    [{ type: 'agent_error', data: { message: 'generic' } }, 'generic'],
    [{ type: 'agent_error' }, '(no error text)'],
  ])('readErrorText(%o) -> %s', (frame, expected) => {
    expect(readErrorText(frame)).toBe(expected);
  });

  // prettier-ignore
  it.each<[FieldError, boolean]>([
    [{ path: 'data.tool_args', message: '`data.tool_args` missing; frame has `data.parameters`' }, true],
    [{ path: 'thread_id', message: 'required property', actual: 'missing' }, true],
    [{ path: 'data.execution_time', message: '`data.execution_time` must be number >= 0; found -1' }, false],
  ])('isMissingPath(%o) -> %s', (error, expected) => {
    expect(isMissingPath(error)).toBe(expected);
  });
});

describe('diagnoseRun', () => {
  // prettier-ignore
  it.each([
    ['echo only', [json({ ...trigger })], {}, ['echo']],
    ['ack then heartbeats', [json({ type: 'ack', received_type: 'agent_execution' }), json({ type: 'heartbeat' })], {}, ['ack_only']],
    ['connection frames only', [json({ type: 'connection_established' }), json({ type: 'heartbeat' }), json({ type: 'pong' })], {}, ['connection_only']],
    ['nothing at all', [], {}, ['connection_only']],
    ['nothing, connection refused', [], { connectionFailed: true }, []],
    ['heartbeats, then auth rejected', [json({ type: 'heartbeat' })], { auth: 'rejected' }, ['auth_failed']],
    ['ack of another type', [json({ type: 'ack', received_type: 'ping' })], {}, []],
    ['echo with agent events', [json({ ...trigger })], { agentEvents: 3 }, []],
    ['wrapped', [json({ type: 'system_message', data: { event: 'agent_started' } })], {}, ['wrapped_events']],
    ['clobbered', [json({ type: 'reasoning', reasoning: 'x' })], { agentEvents: 1 }, ['type_clobbered']],
    ['non-JSON text', [text('oops')], { agentEvents: 1 }, ['invalid_frame']],
    ['duplicates', [], { agentEvents: 4, onceCounts: new Map([['agent_started', 2], ['agent_completed', 1]]) }, ['duplicate_event']],
    ['foreign', [], { agentEvents: 1, foreign: { count: 2, first: 'x' } }, ['foreign_events']],
  ])('%s', (_name, frames, patch, expected) => {
    expect(codesOf(frames, patch)).toEqual(expected);
  });

  it('reports every match at once, in code order', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ ...trigger }));
    note(facts, json({ type: 'ack', received_type: 'agent_execution' }));
    note(facts, json({ type: 'agent_progress', data: { event: 'agent_completed' } }));
    note(facts, { seq: 9, dir: 'in', atMs: null, kind: 'binary', size: 4 });
    expect(diagnoseRun(facts).map((d) => d.code)).toEqual([
      'echo',
      'ack_only',
      'wrapped_events',
      'invalid_frame',
    ]);
  });

  it('names the wrapped events and their outer types', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ type: 'system_message', data: { event: 'agent_started' } }));
    note(facts, json({ type: 'agent_progress', data: { event: 'tool_executing' } }));
    note(facts, json({ type: 'agent_progress', data: { event: 'tool_executing' } }));
    const [diagnosis] = diagnoseRun(facts);
    expect(diagnosis?.message).toContain('agent_started, tool_executing');
    expect(diagnosis?.message).toContain('system_message, agent_progress');
    expect(diagnosis?.message).toContain('3 frames');
  });

  it('quotes the first few missing paths with what the frame has instead', () => {
    const facts = createDiagnosisFacts();
    facts.agentEvents = 2;
    const missing = (path: string, instead: string): FieldError => ({
      path,
      message: `\`${path}\` missing; frame has \`${instead}\``,
    });
    noteShapeDrift(facts, 'tool_executing', [
      missing('data.tool_args', 'data.parameters'),
      { path: 'x', message: 'wrong type' },
    ]);
    noteShapeDrift(facts, 'tool_completed', [
      missing('data.results', 'results'),
      missing('data.execution_time', 'data.execution_time_ms'),
      missing('thread_id', 'nothing'),
    ]);
    const diagnosis = diagnoseRun(facts).find((d) => d.code === 'shape_drift');
    expect(diagnosis?.message).toContain('4 missing paths');
    expect(diagnosis?.message).toContain(
      'tool_executing: `data.tool_args` missing; frame has `data.parameters`',
    );
    expect(diagnosis?.message).toContain(
      'tool_completed: `data.execution_time` missing; frame has `data.execution_time_ms`',
    );
    expect(diagnosis?.message).not.toContain('thread_id');
  });

  it('mentions a repeated missing path once and lets actionable notes displace bare ones', () => {
    const facts = createDiagnosisFacts();
    const bare: FieldError = { path: 'thread_id', message: '`thread_id` missing' };
    noteShapeDrift(facts, 'agent_started', [bare, { path: 'run_id', message: '`run_id` missing' }]);
    noteShapeDrift(facts, 'agent_thinking', [bare]);
    noteShapeDrift(facts, 'tool_executing', [{ path: 'data', message: '`data` missing' }]);
    noteShapeDrift(facts, 'tool_completed', [
      { path: 'data.results', message: '`data.results` missing; frame has `results`' },
    ]);
    expect(facts.drift.count).toBe(5);
    expect(facts.drift.notes).toEqual([
      'agent_started: `run_id` missing',
      'tool_executing: `data` missing',
      'tool_completed: `data.results` missing; frame has `results`',
    ]);
  });

  it('says that an error before any agent event refused the request, with its text', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ type: 'error', message: 'Empty message content' }));
    noteServerError(facts, 'error', { type: 'error', message: 'Empty message content' });
    expect(diagnoseRun(facts)).toEqual([
      {
        code: 'server_error',
        message:
          "The server answered with an error before any agent event: error: Empty message content — it refused the request; check that the trigger's type and fields are ones this server reads (--trigger).",
      },
    ]);
  });

  it('shows the first server error text and how many there were', () => {
    const facts = createDiagnosisFacts();
    facts.agentEvents = 2;
    noteServerError(facts, 'agent_error', {
      type: 'agent_error',
      data: { error_message: 'Insufficient user request' },
    });
    noteServerError(facts, 'error_message', { type: 'error_message', error_message: 'second' });
    expect(diagnoseRun(facts)).toContainEqual({
      code: 'server_error',
      message:
        'The server reported an error (2 error frames): agent_error: Insufficient user request',
    });
  });

  it('counts invalid frames and shows a snippet of the first text', () => {
    const facts = createDiagnosisFacts();
    facts.agentEvents = 1;
    note(facts, text(`<html>${'x'.repeat(200)}`));
    note(facts, text('second'));
    note(facts, { seq: 99, dir: 'in', atMs: null, kind: 'binary', size: 4 });
    const message = diagnoseRun(facts)[0]?.message ?? '';
    expect(message).toMatch(
      /^3 frames were not JSON text \(2 non-JSON text, 1 binary\); first text: `<html>x+…`/,
    );
    expect(message).not.toContain('second');
  });

  it('says plainly that a text frame was not UTF-8', () => {
    const facts = createDiagnosisFacts();
    facts.agentEvents = 1;
    note(facts, { ...text('{"\ufffd\ufffd}'), notUtf8: true });
    expect(diagnoseRun(facts)).toEqual([
      {
        code: 'invalid_frame',
        message:
          '1 frame was not JSON text (1 text not valid UTF-8 (its bad bytes shown as \ufffd)); first text: `{"\ufffd\ufffd}`; every message must be one JSON text frame, in UTF-8.',
      },
    ]);
  });

  it('says where an echo carried the trigger back, and which trigger type went unhandled', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ type: 'echo', original_message: { ...trigger } }));
    note(facts, json({ type: 'echo', original_message: { ...trigger } }));
    expect(diagnoseRun(facts)).toEqual([
      {
        code: 'echo',
        message:
          'The server sent the trigger back in the `original_message` field of `echo` frames (2 times) and no agent event: this is an echo or mock server, or one with no handler for `agent_execution` messages; check the URL, and the trigger type (--trigger).',
      },
    ]);
  });

  it('takes an ack or an error that quotes the trigger for an answer, not an echo', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ type: 'ack', received_type: 'agent_execution', original: { ...trigger } }));
    note(facts, json({ type: 'error', message: 'no', request: { ...trigger } }));
    expect(facts.echo.count).toBe(0);
  });

  it('explains no silence when the session failed before its trigger went out', () => {
    const facts = createDiagnosisFacts();
    note(facts, json({ type: 'connection_established' }));
    expect(diagnoseRun({ ...facts, connectionFailed: true }).map((d) => d.code)).toEqual([]);
    expect(
      diagnoseRun({ ...facts, connectionFailed: true, triggerSent: true }).map((d) => d.code),
    ).toEqual(['connection_only']);
  });

  it('ignores sent frames', () => {
    const facts = createDiagnosisFacts();
    note(facts, { seq: 1, dir: 'out', atMs: 0, kind: 'json', data: trigger, size: 1 });
    expect(facts.framesReceived).toBe(0);
    expect(facts.echo.count).toBe(0);
  });
});
