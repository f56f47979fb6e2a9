import { describe, expect, it } from 'vitest';
import { createIdReader } from '../../src/contract/attribution.js';
import { createJudge } from '../../src/contract/judge.js';
import type { FrameRecord } from '../../src/contract/frames.js';
import type { Judgement, PeerRuns, TriggerInfo } from '../../src/contract/types.js';
import { createPeerRunRegistry } from '../../src/run/run-many.js';
import { canonicalProfile } from '../helpers/profiles.js';
import { createSimpleChecker } from '../helpers/simple-checker.js';

const own: TriggerInfo = {
  type: 'agent_execution',
  thread_id: 'thread-own',
  run_id: 'run-own',
  user_id: 'user-1',
};
const peer: TriggerInfo = {
  type: 'agent_execution',
  thread_id: 'thread-peer',
  run_id: 'run-peer',
  user_id: 'user-2',
};
const sameUserPeer: TriggerInfo = {
  type: 'agent_execution',
  thread_id: 'thread-peer-b',
  run_id: 'run-peer-b',
  user_id: 'user-1',
};

const TS = '2025-11-25T10:00:00Z';

function event(
  type: string,
  data: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { type, timestamp: TS, thread_id: own.thread_id, run_id: own.run_id, data, ...extra };
}

/** The five required events of the own run, canonical shape. */
function happyEvents(): Record<string, unknown>[] {
  return [
    event('agent_started', { agent_name: 'data_helper' }),
    event('agent_thinking', { reasoning: 'thinking' }),
    event('tool_executing', { tool_name: 'q', tool_args: {} }, { correlation_id: 'c1' }),
    event(
      'tool_completed',
      { tool_name: 'q', results: [], execution_time: 1 },
      { correlation_id: 'c1' },
    ),
    event('agent_completed', { status: 'completed', final_response: 'done' }),
  ];
}

function judge(frames: Record<string, unknown>[], peers?: PeerRuns): Judgement {
  const j = createJudge({
    profile: canonicalProfile(),
    trigger: own,
    checker: createSimpleChecker(),
    budgets: null,
    ...(peers ? { peers } : {}),
  });
  frames.forEach((data, i) => {
    const record: FrameRecord = {
      seq: i + 2,
      dir: 'in',
      atMs: 10 * (i + 1),
      kind: 'json',
      data,
      size: 1,
    };
    j.observe(record);
  });
  return j.finish({ reason: 'terminal', close: null, durationMs: 100 });
}

function registryWith(...runs: TriggerInfo[]): ReturnType<typeof createPeerRunRegistry> {
  const registry = createPeerRunRegistry();
  for (const run of [own, ...runs]) registry.add(run);
  return registry;
}

function codes(judgement: Judgement): string[] {
  return judgement.diagnoses.map((d) => d.code);
}

describe('createPeerRunRegistry', () => {
  it.each([
    ['a peer thread_id', { thread_id: 'thread-peer' }, true],
    ['a peer run_id', { run_id: 'run-peer' }, true],
    ['a peer user_id', { user_id: 'user-2' }, true],
    ['the own thread_id', { thread_id: 'thread-own' }, false],
    ['the own run_id', { run_id: 'run-own' }, false],
    ['the own user_id', { user_id: 'user-1' }, false],
    ['an unknown thread_id', { thread_id: 'thread-stranger' }, false],
    ['an unknown user_id', { user_id: 'user-9' }, false],
    ['no ids', {}, false],
    ['own thread with a peer user', { thread_id: 'thread-own', user_id: 'user-2' }, true],
  ])('%s -> %s', (_name, ids, expected) => {
    expect(registryWith(peer).isPeer(ids, own)).toBe(expected);
  });

  it('forgets a run once it is deleted', () => {
    const registry = registryWith(peer);
    registry.delete(peer);
    expect(registry.isPeer({ thread_id: 'thread-peer' }, own)).toBe(false);
    expect(registry.isPeer({ run_id: 'run-peer' }, own)).toBe(false);
    expect(registry.isPeer({ user_id: 'user-2' }, own)).toBe(false);
  });

  it('keeps a user live while any of its runs is', () => {
    const other = { ...peer, thread_id: 'thread-peer-2', run_id: 'run-peer-2' };
    const registry = registryWith(peer, other);
    registry.delete(peer);
    expect(registry.isPeer({ user_id: 'user-2' }, own)).toBe(true);
    expect(registry.isPeer({ thread_id: 'thread-peer' }, own)).toBe(false);
    registry.delete(other);
    expect(registry.isPeer({ user_id: 'user-2' }, own)).toBe(false);
  });

  it('treats another run of the same user as a peer by its ids but not by the user', () => {
    const registry = registryWith(sameUserPeer);
    expect(registry.isPeer({ thread_id: 'thread-peer-b' }, own)).toBe(true);
    expect(registry.isPeer({ user_id: 'user-1' }, own)).toBe(false);
  });
});

describe('the ids a frame carries at the canonical paths', () => {
  const reader = createIdReader(canonicalProfile().spec.runScope);
  it.each([
    [
      { thread_id: 't', run_id: 'r', user_id: 'u' },
      { thread_id: 't', run_id: 'r', user_id: 'u' },
    ],
    [
      { thread_id: 't', data: { user_id: 'u' } },
      { thread_id: 't', user_id: 'u' },
    ],
    [{ thread_id: '', run_id: 7, user_id: null }, {}],
    ['not an object', {}],
  ])('%j -> %j', (frame, ids) => {
    expect(reader.carried(frame)).toEqual(ids);
  });
});

describe('judge with peers', () => {
  it('passes a clean run while peers are live', () => {
    const judgement = judge(happyEvents(), registryWith(peer));
    expect(judgement.exitCode).toBe(0);
    expect(codes(judgement)).toEqual([]);
  });

  it("diagnoses a peer run's event as cross_talk, naming its thread and user, and fails", () => {
    const leak = {
      ...event('agent_thinking', { reasoning: 'not yours' }),
      thread_id: peer.thread_id,
      run_id: peer.run_id,
      user_id: peer.user_id,
    };
    const frames = happyEvents();
    frames.splice(2, 0, leak);
    const judgement = judge(frames, registryWith(peer));
    expect(judgement.exitCode).toBe(1);
    expect(codes(judgement)).toEqual(['cross_talk']);
    const message = judgement.diagnoses[0]?.message ?? '';
    expect(message).toContain('thread_id `thread-peer`');
    expect(message).toContain('user_id `user-2`');
    expect(message).toContain('frame #4');
    // The leaked event does not count as this run's thinking.
    expect(judgement.events.find((e) => e.type === 'agent_thinking')?.count).toBe(1);
    expect(judgement.rules.find((r) => r.id === 'run_scope')?.status).toBe('fail');
  });

  it('keeps foreign_events for an event of a run that is not a live peer', () => {
    const stranger = {
      ...event('agent_thinking', { reasoning: 'x' }),
      thread_id: 'thread-stranger',
      run_id: 'run-stranger',
    };
    const frames = [...happyEvents()];
    frames.splice(1, 0, stranger);
    const judgement = judge(frames, registryWith(peer));
    expect(codes(judgement)).toEqual(['foreign_events']);
    expect(judgement.exitCode).toBe(1);
  });

  it('without peers, the same leak is only a foreign event', () => {
    const frames = happyEvents();
    frames.splice(1, 0, {
      ...event('agent_thinking', { reasoning: 'x' }),
      thread_id: peer.thread_id,
    });
    expect(codes(judge(frames))).toEqual(['foreign_events']);
  });

  it("fails an own-thread event stamped with a peer's user (top level or in data)", () => {
    for (const stamp of [{ user_id: 'user-2' }, { data: { reasoning: 'r', user_id: 'user-2' } }]) {
      const frames = happyEvents();
      frames[1] = { ...frames[1], ...stamp };
      const judgement = judge(frames, registryWith(peer));
      expect(codes(judgement)).toEqual(['cross_talk']);
      expect(judgement.exitCode).toBe(1);
      expect(judgement.diagnoses[0]?.message).toContain('user_id `user-2`');
      expect(judgement.diagnoses[0]?.message).toContain('user_id `user-2` instead of `user-1`');
      // It is still this run's event: thinking passes, run_scope holds.
      expect(judgement.events.find((e) => e.type === 'agent_thinking')?.status).toBe('pass');
      expect(judgement.rules.find((r) => r.id === 'run_scope')?.status).toBe('pass');
    }
  });

  it("accepts this run's own user and users that are not live peers", () => {
    const frames = happyEvents().map((f, i) => ({ ...f, user_id: i === 0 ? 'user-1' : 'user-9' }));
    const judgement = judge(frames, registryWith(peer));
    expect(codes(judgement)).toEqual([]);
    expect(judgement.exitCode).toBe(0);
  });

  it("does not take a connection frame's user as cross-talk, but does take a peer's thread on any frame", () => {
    const hello = { type: 'connection_established', timestamp: TS, data: {}, user_id: 'user-2' };
    const partial = { type: 'partial_result', thread_id: peer.thread_id, data: {} };
    expect(codes(judge([hello, ...happyEvents()], registryWith(peer)))).toEqual([]);
    const judgement = judge(
      [...happyEvents().slice(0, 4), partial, ...happyEvents().slice(4)],
      registryWith(peer),
    );
    expect(codes(judgement)).toEqual(['cross_talk']);
    expect(judgement.exitCode).toBe(1);
  });

  it("diagnoses a peer's error frame as cross_talk without ending this run", () => {
    const error = {
      type: 'agent_error',
      timestamp: TS,
      thread_id: peer.thread_id,
      run_id: peer.run_id,
      data: { error_message: 'boom' },
    };
    const frames = happyEvents();
    frames.splice(2, 0, error);
    const judgement = judge(frames, registryWith(peer));
    expect(codes(judgement)).toEqual(['cross_talk']);
    expect(judgement.exitCode).toBe(1);
  });
});
