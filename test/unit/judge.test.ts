import { describe, expect, it } from 'vitest';
import { createJudge } from '../../src/contract/judge.js';
import { decideExit, type ExitFacts } from '../../src/contract/verdict.js';
import type { Judgement } from '../../src/contract/types.js';
import type { SessionOutcome } from '../../src/contract/frames.js';
import { createSimpleChecker } from '../helpers/simple-checker.js';
import { canonicalProfile } from '../helpers/profiles.js';
import { judgeTranscript } from '../helpers/transcript.js';

const EVENT_LETTER = { pass: 'p', fail: 'f', missing: 'm' } as const;
const RULE_LETTER = { pass: 'p', fail: 'f', skip: 's' } as const;

/** Event statuses in canonical order and rule statuses in rule order, one letter each. */
function summarise(judgement: Judgement): {
  exit: number;
  events: string;
  rules: string;
  codes: string[];
} {
  return {
    exit: judgement.exitCode,
    events: judgement.events.map((e) => EVENT_LETTER[e.status]).join(''),
    rules: judgement.rules.map((r) => RULE_LETTER[r.status]).join(''),
    codes: judgement.diagnoses.map((d) => d.code),
  };
}

const outcome = (
  reason: SessionOutcome['reason'],
  extra: Partial<SessionOutcome> = {},
): SessionOutcome => ({
  reason,
  close: null,
  durationMs: null,
  ...extra,
});
const dropped = outcome('dropped', {
  close: { code: 1006, reason: '' },
  failure: { code: 'CONNECTION_DROPPED', message: 'dropped', exitCode: 3 },
});
const closed = (code: number) => outcome('closed', { close: { code, reason: '' } });
const base: ExitFacts = {
  outcome: outcome('terminal'),
  authFailure: null,
  agentEvents: 5,
  completed: true,
  violation: false,
  contractHeld: true,
};

describe('judge over hand-written transcripts', () => {
  // events: started thinking executing completed(tool) completed(agent); rules: presence order single_terminal tool_pairing run_scope time_budget
  it.each([
    ['happy', 0, 'ppppp', 'pppppp', []],
    ['missing-event', 1, 'pmppp', 'fppppp', []],
    ['duplicate-completed', 1, 'ppppp', 'ppfppp', ['duplicate_event']],
    ['out-of-order', 1, 'ppppp', 'pfpppp', []],
    ['unpaired-tool', 1, 'ppppp', 'pppfpp', []],
    ['interleaved-tools', 0, 'ppppp', 'pppppp', []],
    ['foreign-event', 1, 'ppppp', 'ppppfp', ['foreign_events']],
    ['bridge-shape', 1, 'fffff', 'pppppp', ['shape_drift']],
    ['flat-shape', 1, 'fmfff', 'fppppp', ['shape_drift', 'type_clobbered']],
    ['wrapped', 1, 'mmmmm', 'fsfsps', ['wrapped_events']],
    ['echo', 1, 'mmmmm', 'fsfspf', ['echo']],
    ['echo-field', 1, 'mmmmm', 'fsfspf', ['echo']],
    ['error-frame', 1, 'mmmmm', 'fsfsps', ['server_error']],
    ['handshake-adopted', 0, 'ppppp', 'pppppp', []],
    ['handshake-unanswered', 1, 'mmmmm', 'fsfspf', ['handshake_required']],
    ['handshake-refused', 1, 'mmmmm', 'fsfsps', ['handshake_required']],
    ['ack-only', 1, 'mmmmm', 'fsfspf', ['ack_only']],
    ['connection-only', 1, 'mmmmm', 'fsfspf', ['connection_only']],
    ['agent-error', 1, 'ppmmm', 'fpfsps', ['server_error']],
    ['auth-failed', 4, 'mmmmm', 'ssssss', ['auth_failed']],
    ['non-json', 1, 'ppppp', 'pppppp', ['invalid_frame']],
    ['drop-after-violation', 1, 'ppfmm', 'fpffps', ['shape_drift']],
    ['timeout-after-start', 5, 'pppmm', 'fpffpf', []],
  ])('%s -> exit %i, events %s, rules %s, %o', (name, exit, events, rules, codes) => {
    expect(summarise(judgeTranscript(name).judgement)).toEqual({ exit, events, rules, codes });
  });

  it('a plain recording without trigger or arrival times is judged with time budgets skipped', () => {
    const { judgement } = judgeTranscript('recording-no-trigger', { budgets: null });
    expect(summarise(judgement)).toEqual({ exit: 0, events: 'ppppp', rules: 'ppppps', codes: [] });
    expect(judgement.events.every((e) => e.firstAtMs === null)).toBe(true);
  });

  it('counts frames by direction and type and reports schema coverage', () => {
    const { judgement } = judgeTranscript('non-json');
    expect(judgement.frames).toEqual({
      received: 8,
      sent: 1,
      byType: {
        connection_established: 1,
        agent_started: 1,
        '(text)': 1,
        agent_thinking: 1,
        '(binary)': 1,
        tool_executing: 1,
        tool_completed: 1,
        agent_completed: 1,
      },
    });
    expect(judgement.coverage).toEqual({
      unvalidatedTypes: [],
      unusedSchemas: ['ack', 'error_message'],
    });
    expect(judgement.diagnoses[0]?.message).toContain('`DEBUG agent loop tick 1 (not json)`');
  });

  it('says which frames are agent events and which end the run', () => {
    const { verdicts } = judgeTranscript('happy');
    expect(verdicts.map((v) => `${+v.agentEvent}${+v.terminal}`)).toEqual([
      '00',
      '00',
      '10',
      '10',
      '10',
      '10',
      '11',
    ]);
  });

  it('ends a wrapped stream at its wrapped agent_completed', () => {
    const { verdicts } = judgeTranscript('wrapped');
    expect(verdicts.map((v) => v.terminal)).toEqual([false, false, false, false, false, true]);
    expect(verdicts.some((v) => v.agentEvent)).toBe(false);
  });

  it('does not count or end on a foreign event, and agent_error ends the run', () => {
    expect(judgeTranscript('foreign-event').verdicts[4]).toEqual({
      agentEvent: false,
      terminal: false,
    });
    expect(judgeTranscript('agent-error').verdicts[4]).toEqual({
      agentEvent: false,
      terminal: true,
    });
  });

  it('records count, first arrival and errors per event', () => {
    const { judgement } = judgeTranscript('duplicate-completed');
    expect(judgement.events.find((e) => e.type === 'agent_completed')).toMatchObject({
      count: 2,
      firstAtMs: 1400,
    });
    const drift = judgeTranscript('drop-after-violation').judgement;
    expect(drift.events.find((e) => e.type === 'tool_executing')?.errors).toEqual([
      expect.objectContaining({
        path: 'data.tool_args',
        message: '`data.tool_args` missing; frame has `data.parameters`',
      }),
    ]);
    expect(drift.error).toBeUndefined();
  });

  it('names the wrong paths of the bridge shape', () => {
    const { judgement } = judgeTranscript('bridge-shape');
    const drift = judgement.diagnoses.find((d) => d.code === 'shape_drift')?.message ?? '';
    expect(drift).toContain('agent_started: `data.agent_name` missing; frame has `agent_name`');
    expect(drift).toContain(
      'tool_executing: `data.tool_args` missing; frame has `data.parameters`',
    );
    expect(drift).not.toContain('`thread_id` missing');
    const executing = judgement.events
      .find((e) => e.type === 'tool_executing')
      ?.errors.map((e) => e.message);
    expect(executing).toContain('`data.tool_args` missing; frame has `data.parameters`');
  });

  it('takes a plain error frame for an error event under any profile: it ends the run and its text shows', () => {
    const { judgement, verdicts } = judgeTranscript('error-frame');
    expect(verdicts[2]).toEqual({ agentEvent: false, terminal: true });
    expect(judgement.diagnoses[0]?.message).toContain('error: Empty message content');
    // The canonical profile does not list `error` among its error events.
    expect(canonicalProfile().spec.errors).not.toContain('error');
  });

  it("adopts the server's thread_id from our handshake answer, and says so", () => {
    const { judgement } = judgeTranscript('handshake-adopted');
    expect(judgement.handshake).toEqual({
      threadId: 'thread_server_9e7a',
      status: 'adopted',
      completed: true,
    });
    expect(judgement.frames.sent).toBe(3);
    expect(judgement.warnings).toEqual([]);
  });

  it('names the flag when the handshake went unanswered or a request came too early for it', () => {
    const unanswered = judgeTranscript('handshake-unanswered').judgement;
    expect(unanswered.handshake).toEqual({
      threadId: 'thread_server_9e7a',
      status: 'unanswered',
      completed: false,
    });
    expect(unanswered.diagnoses[0]?.message).toMatch(
      /^The server opened with its handshake \(handshake_response, thread_id `thread_server_9e7a`\), which was never answered \(--handshake off\).* Use --handshake auto \(the default\) or on\.$/,
    );
    const refused = judgeTranscript('handshake-refused').judgement;
    expect(refused.error).toBeUndefined();
    expect(refused.diagnoses[0]?.message).toMatch(
      /^The server closed the connection with 1008 because a request went out before its handshake .* Use --handshake on,/,
    );
  });

  it('sets the auth error from the AUTH_FAILED frame', () => {
    const { judgement } = judgeTranscript('auth-failed');
    expect(judgement.error?.code).toBe('AUTH_FAILED');
    expect(judgement.error?.message).toContain('No token provided');
    expect(judgement.diagnoses.map((d) => d.code)).not.toContain('server_error');
  });

  it('treats AUTH_FAILED after agent events as a server error of the run (exit 1), not an auth failure', () => {
    const { judgement } = judgeTranscript('auth-failed-mid-run');
    expect(judgement.exitCode).toBe(1);
    expect(judgement.error).toBeUndefined();
    const serverError = judgement.diagnoses.find((d) => d.code === 'server_error');
    expect(serverError?.message).toContain('Token revoked during the run');
    expect(judgement.diagnoses.map((d) => d.code)).not.toContain('auth_failed');
  });

  it('lets a seen violation outrank a later timeout or drop', () => {
    const timeout: SessionOutcome = { reason: 'timeout', close: null, durationMs: 30_000 };
    expect(judgeTranscript('agent-error', {}, timeout).judgement.exitCode).toBe(1);
    expect(judgeTranscript('non-json', {}, timeout).judgement.exitCode).toBe(1);
    expect(judgeTranscript('timeout-after-start', {}, timeout).judgement.exitCode).toBe(5);
    const drop = judgeTranscript('duplicate-completed', {}, dropped).judgement;
    expect([drop.exitCode, drop.error]).toEqual([1, undefined]);
  });

  it('judges a drop after agent_completed on the contract, and a drop mid-run as a connection failure', () => {
    expect(judgeTranscript('happy', {}, dropped).judgement.exitCode).toBe(0);
    const midRun = judgeTranscript('timeout-after-start', {}, dropped).judgement;
    expect([midRun.exitCode, midRun.error?.code]).toEqual([3, 'CONNECTION_DROPPED']);
    // The events that never arrived say nothing about a run cut short: presence is not judged.
    expect(midRun.rules.find((r) => r.id === 'presence')?.status).toBe('skip');
  });

  it('fails a clean close before agent_completed on presence', () => {
    const close: SessionOutcome = {
      reason: 'closed',
      close: { code: 1000, reason: '' },
      durationMs: 900,
    };
    const { judgement } = judgeTranscript('timeout-after-start', {}, close);
    expect(summarise(judgement)).toMatchObject({ exit: 1, events: 'pppmm' });
    expect(judgement.rules[0]).toEqual({
      id: 'presence',
      status: 'fail',
      message: 'never arrived for this run: tool_completed, agent_completed',
    });
  });

  it('reports interruption with 130 whatever was seen', () => {
    const interrupted: SessionOutcome = {
      reason: 'interrupted',
      close: null,
      durationMs: 100,
      failure: { code: 'INTERRUPTED', message: 'interrupted by SIGINT', exitCode: 130 },
    };
    const { judgement } = judgeTranscript('out-of-order', {}, interrupted);
    expect([judgement.exitCode, judgement.error?.code]).toEqual([130, 'INTERRUPTED']);
    // The order violation was seen before the interrupt and stands.
    expect(judgement.rules.find((r) => r.id === 'order')?.status).toBe('fail');
  });

  it('treats a 1008 close before any agent event as an auth failure', () => {
    const close: SessionOutcome = {
      reason: 'closed',
      close: { code: 1008, reason: 'policy' },
      durationMs: 10,
    };
    const { judgement } = judgeTranscript('connection-only', {}, close);
    expect(summarise(judgement)).toEqual({
      exit: 4,
      events: 'mmmmm',
      rules: 'ssssss',
      codes: ['auth_failed'],
    });
    expect(judgement.error?.code).toBe('AUTH_FAILED');
  });

  it('says what was still missing when a started run times out', () => {
    const { judgement } = judgeTranscript('timeout-after-start');
    expect(judgement.rules.find((r) => r.id === 'time_budget')?.message).toBe(
      'agent_completed did not arrive within 30000 ms; still missing: tool_completed, agent_completed',
    );
  });

  it('fails time_budget when the first event is late', () => {
    const { judgement } = judgeTranscript('happy', {
      budgets: { firstEventMs: 20, totalMs: 30_000 },
    });
    expect(summarise(judgement)).toMatchObject({ exit: 1, rules: 'pppppf' });
  });

  it('keeps only the first N schema errors per event', () => {
    const { judgement } = judgeTranscript('bridge-shape', { maxErrorsPerEvent: 1 });
    expect(judgement.events.every((e) => e.errors.length === 1)).toBe(true);
  });
});

describe('decideExit', () => {
  // prettier-ignore
  it.each<[string, Partial<ExitFacts>, number, boolean]>([
    ['contract held', {}, 0, true],
    ['contract failed at the end', { contractHeld: false }, 1, true],
    ['AUTH_FAILED frame', { authFailure: 'rejected', agentEvents: 0, completed: false }, 4, false],
    ['1008 before agent events', { outcome: closed(1008), agentEvents: 0, completed: false }, 4, false],
    ['1008 after agent events', { outcome: closed(1008), agentEvents: 2, completed: false }, 1, true],
    ['1008 over a request before the handshake', { outcome: closed(1008), agentEvents: 0, completed: false, handshakeRefused: true }, 1, true],
    ['AUTH_FAILED frame, and the handshake', { authFailure: 'rejected', agentEvents: 0, completed: false, handshakeRefused: true }, 4, false],
    ['handshake never came (--handshake on)', { outcome: outcome('first_event_timeout', { failure: { code: 'HANDSHAKE_MISSING', message: 'none', exitCode: 1 } }), agentEvents: 0, completed: false }, 1, false],
    ['401 on upgrade', { outcome: outcome('closed', { failure: { code: 'HTTP_401', message: '401', exitCode: 4 } }), agentEvents: 0, completed: false }, 4, false],
    ['interrupted before agent events', { outcome: outcome('interrupted'), agentEvents: 0, completed: false }, 130, false],
    ['interrupted after a violation', { outcome: outcome('interrupted'), violation: true }, 130, true],
    ['violation then drop', { outcome: dropped, violation: true, completed: false }, 1, true],
    ['violation then timeout', { outcome: outcome('timeout'), violation: true, completed: false }, 1, true],
    ['drop mid-run', { outcome: dropped, completed: false }, 3, true],
    ['drop before agent events', { outcome: dropped, agentEvents: 0, completed: false }, 3, false],
    ['drop without failure info', { outcome: outcome('dropped'), agentEvents: 0, completed: false }, 3, false],
    ['drop during the grace period', { outcome: dropped }, 0, true],
    ['1011 close', { outcome: outcome('closed', { failure: { code: 'SERVER_ERROR', message: '1011', exitCode: 3 } }), completed: false }, 3, true],
    ['clean close before agent_completed', { outcome: closed(1000), completed: false, contractHeld: false }, 1, true],
    ['first event timeout', { outcome: outcome('first_event_timeout'), agentEvents: 0, completed: false }, 1, true],
    ['end of recording without agent events', { outcome: outcome('end_of_recording'), agentEvents: 0, completed: false }, 1, true],
    ['timeout after start', { outcome: outcome('timeout'), completed: false, contractHeld: false }, 5, true],
    ['timeout without agent events', { outcome: outcome('timeout'), agentEvents: 0, completed: false }, 1, true],
    ['recording ends mid-run', { outcome: outcome('end_of_recording'), completed: false, contractHeld: false }, 1, true],
  ])('%s', (_name, patch, exitCode, judged) => {
    const decision = decideExit({ ...base, ...patch });
    expect([decision.exitCode, decision.judged]).toEqual([exitCode, judged]);
  });

  it('carries the session failure as the error', () => {
    expect(decideExit({ ...base, outcome: dropped, completed: false }).error).toEqual({
      code: 'CONNECTION_DROPPED',
      message: 'dropped',
    });
    expect(decideExit({ ...base, outcome: closed(1008), agentEvents: 0 }).error?.code).toBe(
      'AUTH_FAILED',
    );
    expect(decideExit(base).error).toBeUndefined();
  });
});

describe('judge end to end without transcripts', () => {
  const trigger = { type: 'agent_execution', thread_id: 'T', run_id: 'R' };

  it('skips every rule and gives the connection error when it drops before any agent event', () => {
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger,
      checker: createSimpleChecker(),
      budgets: { firstEventMs: 100, totalMs: 200 },
    });
    judge.observe({
      seq: 1,
      dir: 'out',
      atMs: 0,
      kind: 'json',
      data: { type: 'agent_execution' },
      size: 10,
    });
    const judgement = judge.finish(dropped);
    expect(summarise(judgement)).toEqual({ exit: 3, events: 'mmmmm', rules: 'ssssss', codes: [] });
    expect(judgement.error).toEqual({ code: 'CONNECTION_DROPPED', message: 'dropped' });
    expect(judgement.frames.sent).toBe(1);
  });

  it('tallies hostile type names safely and caps the number of distinct types', () => {
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger,
      checker: createSimpleChecker(),
      budgets: null,
    });
    const types = ['__proto__', 'constructor', ...Array.from({ length: 300 }, (_, i) => `t${i}`)];
    types.forEach((type, index) => {
      judge.observe({
        seq: index + 1,
        dir: 'in',
        atMs: null,
        kind: 'json',
        data: { type },
        size: 9,
      });
    });
    const { byType } = judge.finish(outcome('end_of_recording')).frames;
    expect(Object.keys(byType)).toHaveLength(257);
    expect(Object.hasOwn(byType, '__proto__')).toBe(true);
    expect([byType.constructor, byType.t0, byType['(other types)']]).toEqual([1, 1, 46]);
  });

  it('keeps memory flat over 200,000 heartbeats', () => {
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger,
      checker: createSimpleChecker(),
      budgets: null,
    });
    const heartbeat = { type: 'heartbeat', data: {}, timestamp: 1 };
    for (let seq = 1; seq <= 200_000; seq += 1) {
      const verdict = judge.observe({
        seq,
        dir: 'in',
        atMs: null,
        kind: 'json',
        data: heartbeat,
        size: 40,
      });
      if (verdict.agentEvent || verdict.terminal) throw new Error(`frame ${seq} misjudged`);
    }
    const judgement = judge.finish(outcome('end_of_recording'));
    expect(summarise(judgement)).toEqual({
      exit: 1,
      events: 'mmmmm',
      rules: 'fsfsps',
      codes: ['connection_only'],
    });
    expect(judgement.frames).toEqual({
      received: 200_000,
      sent: 0,
      byType: { heartbeat: 200_000 },
    });
    expect(judgement.coverage.unvalidatedTypes).toEqual(['heartbeat']);
    expect(judgement.diagnoses[0]?.message).toContain('200000 frames');
  });

  it('caps kept errors and warnings however many bad frames arrive', () => {
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger,
      checker: createSimpleChecker(),
      budgets: null,
    });
    const badTool = {
      type: 'tool_executing',
      thread_id: 'T',
      run_id: 'R',
      timestamp: 1,
      correlation_id: 'c',
      data: {},
    };
    const badAck = { type: 'ack', received_type: 'ping' };
    for (let seq = 1; seq <= 100_000; seq += 2) {
      judge.observe({ seq, dir: 'in', atMs: null, kind: 'json', data: badTool, size: 40 });
      judge.observe({ seq: seq + 1, dir: 'in', atMs: null, kind: 'json', data: badAck, size: 40 });
    }
    const judgement = judge.finish(outcome('end_of_recording'));
    const executing = judgement.events.find((e) => e.type === 'tool_executing');
    expect(executing).toMatchObject({ status: 'fail', count: 50_000 });
    expect(executing?.errors).toHaveLength(5);
    expect(judgement.warnings).toHaveLength(21);
    expect(judgement.warnings.at(-1)).toBe('49980 more warning(s) not shown');
    expect(judgement.exitCode).toBe(1);
  });
});

describe('a frame type that is a megabyte long', () => {
  it('is counted under a label cut to 100 characters', () => {
    const judge = createJudge({
      profile: canonicalProfile(),
      trigger: null,
      checker: createSimpleChecker(),
      budgets: null,
    });
    const type = 'x'.repeat(1_000_000);
    judge.observe({
      seq: 1,
      dir: 'in',
      atMs: null,
      kind: 'json',
      data: { type },
      size: type.length,
    });
    const judgement = judge.finish({ reason: 'end_of_recording', close: null, durationMs: null });
    const labels = Object.keys(judgement.frames.byType);
    expect(labels).toHaveLength(1);
    expect(labels[0]).toHaveLength(100);
    expect(judgement.coverage.unvalidatedTypes[0]).toHaveLength(100);
  });
});
