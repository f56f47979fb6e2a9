import { describe, expect, it } from 'vitest';
import { createJudge } from '../../src/contract/judge.js';
import { describeProfile, type ProfileSpec } from '../../src/contract/profile.js';
import type { FrameChecker, Judgement } from '../../src/contract/types.js';

// The rules as a profile other than canonical widens them: a stream protocol shaped like AG-UI,
// written here by hand, with camelCase ids the client chooses and brackets that pair up.

const SPEC: ProfileSpec = {
  profile: 1,
  name: 'brackets',
  description: 'hand-written for the tests',
  typeField: 'type',
  required: ['RUN_STARTED', 'RUN_FINISHED'],
  events: ['STEP_STARTED', 'STEP_FINISHED', 'MESSAGES_SNAPSHOT'],
  first: ['RUN_STARTED'],
  terminal: ['RUN_FINISHED'],
  errors: ['RUN_ERROR'],
  once: ['RUN_STARTED', 'RUN_FINISHED', 'MESSAGES_SNAPSHOT'],
  pairs: [
    {
      open: 'TEXT_MESSAGE_START',
      close: 'TEXT_MESSAGE_END',
      by: ['messageId'],
      inside: ['TEXT_MESSAGE_CONTENT'],
    },
    { open: 'TOOL_CALL_START', close: 'TOOL_CALL_END', by: ['toolCallId'], inside: [] },
  ],
  runScope: { thread: ['threadId'], run: ['runId'], adoptRunId: false },
  trigger: null,
};

const acceptAll: FrameChecker = {
  schemaNames: [],
  check: (_frame, type) => ({ schema: type ?? null, errors: [] }),
};

/** `TYPE[:key]` per event, e.g. `TEXT_MESSAGE_START:m1`; every event carries the run's ids unless `!`. */
function judge(events: string, spec: ProfileSpec = SPEC): Judgement {
  const judgeRun = createJudge({
    profile: describeProfile(spec),
    trigger: { type: '(no type field)', thread_id: 'T', run_id: 'R' },
    checker: acceptAll,
    budgets: null,
  });
  events
    .split(' ')
    .filter((e) => e !== '')
    .forEach((event, i) => {
      const foreign = event.endsWith('!');
      const [type = '', key] = event.replace(/!$/, '').split(':');
      const data = {
        type,
        threadId: 'T',
        runId: foreign ? 'R-other' : 'R',
        ...(key === undefined ? {} : { messageId: key, toolCallId: key }),
      };
      judgeRun.observe({ seq: i + 2, dir: 'in', atMs: null, kind: 'json', data, size: 1 });
    });
  return judgeRun.finish({ reason: 'terminal', close: null, durationMs: null });
}

function rule(judgement: Judgement, id: string): string {
  const found = judgement.rules.find((r) => r.id === id);
  return `${found?.status}: ${found?.message}`;
}

const HAPPY =
  'RUN_STARTED STEP_STARTED TEXT_MESSAGE_START:m1 TEXT_MESSAGE_CONTENT:m1 TEXT_MESSAGE_END:m1 TOOL_CALL_START:t1 TOOL_CALL_END:t1 STEP_FINISHED RUN_FINISHED';

describe('the six rules over a profile other than canonical', () => {
  it('pass a run that keeps every bracket', () => {
    const judgement = judge(HAPPY);
    expect(judgement.exitCode).toBe(0);
    expect(judgement.rules.map((r) => `${r.id} ${r.message}`)).toEqual([
      'presence both required events arrived',
      'order RUN_STARTED came first and RUN_FINISHED last',
      'single_terminal RUN_FINISHED arrived once',
      'tool_pairing 1 text message bracket(s) paired by messageId; 1 tool call(s) paired by toolCallId',
      'run_scope no events of other runs',
      'time_budget time budgets are not judged without arrival times',
    ]);
  });

  it('list the run events that arrived but are not required after the required ones', () => {
    const { events } = judge(HAPPY);
    expect(events.map((e) => `${e.type}${e.optional ? '?' : ''}`)).toEqual([
      'RUN_STARTED',
      'RUN_FINISHED',
      'STEP_STARTED?',
      'TEXT_MESSAGE_START?',
      'TEXT_MESSAGE_CONTENT?',
      'TEXT_MESSAGE_END?',
      'TOOL_CALL_START?',
      'TOOL_CALL_END?',
      'STEP_FINISHED?',
    ]);
  });

  it.each([
    [
      'content outside its message',
      'RUN_STARTED TEXT_MESSAGE_START:m1 TEXT_MESSAGE_END:m1 TEXT_MESSAGE_CONTENT:m1 RUN_FINISHED',
      'tool_pairing',
      'fail: 1 event(s) outside an open TEXT_MESSAGE_START…TEXT_MESSAGE_END (first: frame #5 with messageId `m1`)',
    ],
    [
      'content without a message id',
      'RUN_STARTED TEXT_MESSAGE_START:m1 TEXT_MESSAGE_CONTENT TEXT_MESSAGE_END:m1 RUN_FINISHED',
      'tool_pairing',
      'fail: 1 event(s) outside an open TEXT_MESSAGE_START…TEXT_MESSAGE_END (first: frame #4 carrying no messageId)',
    ],
    [
      'an end for an id never started',
      'RUN_STARTED TOOL_CALL_START:t1 TOOL_CALL_END:t1 TOOL_CALL_END:t9 RUN_FINISHED',
      'tool_pairing',
      'fail: 1 TOOL_CALL_END without an open TOOL_CALL_START (first: toolCallId `t9` at frame #5)',
    ],
    [
      'an id started twice while open',
      'RUN_STARTED TOOL_CALL_START:t1 TOOL_CALL_START:t1 TOOL_CALL_END:t1 TOOL_CALL_END:t1 RUN_FINISHED',
      'tool_pairing',
      'fail: 1 TOOL_CALL_START opened a toolCallId that was still open (first: `t1` at frame #4)',
    ],
    [
      'a call never ended',
      'RUN_STARTED TOOL_CALL_START:t1 RUN_FINISHED',
      'tool_pairing',
      'fail: 1 TOOL_CALL_START never closed by a TOOL_CALL_END (first: toolCallId `t1` at frame #3)',
    ],
    [
      'a run event after the terminal one',
      'RUN_STARTED RUN_FINISHED STEP_STARTED',
      'order',
      'fail: STEP_STARTED (frame #4) arrived after RUN_FINISHED (frame #3); RUN_FINISHED must be the last agent event',
    ],
    [
      'a second start',
      'RUN_STARTED RUN_STARTED RUN_FINISHED',
      'order',
      'fail: RUN_STARTED arrived again at frame #3 (first at #2)',
    ],
    [
      'a once-only event twice',
      'RUN_STARTED MESSAGES_SNAPSHOT MESSAGES_SNAPSHOT RUN_FINISHED',
      'single_terminal',
      'fail: MESSAGES_SNAPSHOT arrived 2 times (frames #3, #4)',
    ],
    [
      'an event of the run thread with a run id the client never chose',
      'RUN_STARTED STEP_STARTED! RUN_FINISHED',
      'run_scope',
      'fail: 1 event(s) of another run (first: STEP_STARTED at frame #3 with runId `R-other`)',
    ],
  ])('fail %s', (_case, events, id, expected) => {
    const judgement = judge(events);
    expect(rule(judgement, id)).toBe(expected);
    expect(judgement.exitCode).toBe(1);
  });

  it('fail a run on its error event, which ends it', () => {
    const judgement = judge('RUN_STARTED RUN_ERROR');
    expect(judgement.exitCode).toBe(1);
    expect(judgement.diagnoses.map((d) => d.code)).toContain('server_error');
  });

  it('skip run_scope, with the reason, when the profile carries no ids', () => {
    const judgement = judge('RUN_STARTED STEP_STARTED! RUN_FINISHED', { ...SPEC, runScope: null });
    expect(rule(judgement, 'run_scope')).toBe(
      'skip: the profile says where no run ids are, so events are not attributed to runs',
    );
    expect(judgement.exitCode).toBe(0);
  });

  it('judge order and terminal loosely when the profile names neither', () => {
    const judgement = judge('STEP_STARTED RUN_STARTED RUN_FINISHED STEP_FINISHED', {
      ...SPEC,
      first: [],
      terminal: [],
      once: [],
    });
    expect(rule(judgement, 'order')).toBe(
      'pass: the run opened; the profile names no terminal event',
    );
    expect(rule(judgement, 'single_terminal')).toMatch(/^skip: the profile names no terminal/);
  });
});
