import { describe, expect, it } from 'vitest';
import type { Attribution } from '../../src/contract/attribution.js';
import type { SessionOutcome } from '../../src/contract/frames.js';
import { createRuleSet, skipRules } from '../../src/contract/rules.js';
import { KeyPairing, pairKeys } from '../../src/contract/rules/pairing.js';
import { trackOrder } from '../../src/contract/rules/order.js';
import { trackPresence } from '../../src/contract/rules/presence.js';
import { trackRunScope } from '../../src/contract/rules/run-scope.js';
import { trackSingleTerminal } from '../../src/contract/rules/single-terminal.js';
import { trackTimeBudget } from '../../src/contract/rules/time-budget.js';
import { trackToolPairing } from '../../src/contract/rules/tool-pairing.js';
import type { RuleContext, RuleEvent, RuleTracker } from '../../src/contract/rules/tracker.js';
import { canonicalProfile } from '../helpers/profiles.js';

const CANONICAL = canonicalProfile();
const { spec: SPEC } = CANONICAL;

/** `type[:correlation_id[:tool_name]][@atMs][!foreign]`, e.g. `tool_executing:c1:search@40`. */
function parseEvent(spec: string, index: number): RuleEvent {
  const foreign = spec.endsWith('!');
  const [head = '', at] = spec.replace(/!$/, '').split('@');
  const [type = '', correlationId, toolName] = head.split(':');
  const attribution: Attribution = foreign ? 'foreign' : 'own';
  const role = CANONICAL.roles.get(type);
  if (role === undefined) throw new Error(`not a canonical run event: ${type}`);
  return {
    type,
    role,
    seq: index + 1,
    atMs: at === undefined ? null : Number(at),
    attribution,
    foreignId: foreign ? 'thread_id `thread_other`' : null,
    frame: {
      type,
      thread_id: foreign ? 'thread_other' : 'T',
      ...(correlationId === undefined || correlationId === ''
        ? {}
        : { correlation_id: correlationId }),
      data: toolName === undefined ? {} : { tool_name: toolName },
    },
  };
}

const outcome = (reason: SessionOutcome['reason']): SessionOutcome => ({
  reason,
  close: null,
  durationMs: null,
});
const context = (reason: SessionOutcome['reason'] = 'terminal'): RuleContext => ({
  outcome: outcome(reason),
  missing: [],
});

function run(tracker: RuleTracker, specs: string, ctx: RuleContext = context()) {
  specs
    .split(' ')
    .filter((spec) => spec !== '')
    .forEach((spec, index) => tracker.observe(parseEvent(spec, index)));
  return { ...tracker.result(ctx), violated: tracker.violated() };
}

const HAPPY =
  'agent_started agent_thinking tool_executing:c1:search tool_completed:c1:search agent_completed';

describe('trackPresence', () => {
  it.each([
    [HAPPY, 'pass', 'all five'],
    ['agent_started tool_executing:c1 tool_completed:c1 agent_completed', 'fail', 'agent_thinking'],
    [`${HAPPY.replace('agent_thinking', 'agent_thinking!')}`, 'fail', 'agent_thinking'],
    ['', 'fail', 'agent_started, agent_thinking, tool_executing, tool_completed, agent_completed'],
  ])('%s -> %s', (specs, status, text) => {
    const result = run(trackPresence(SPEC), specs);
    expect(result.status).toBe(status);
    expect(result.message).toContain(text);
  });
});

describe('trackOrder', () => {
  // prettier-ignore
  it.each([
    [HAPPY, 'pass', false, 'first and agent_completed last'],
    ['agent_started agent_thinking', 'pass', false, 'never arrived'],
    ['agent_thinking agent_started agent_completed', 'fail', true, 'first agent event was agent_thinking (frame #1)'],
    ['agent_started agent_completed agent_thinking', 'fail', true, 'agent_thinking (frame #3) arrived after agent_completed'],
    ['agent_started agent_thinking agent_started agent_completed', 'fail', true, 'agent_started arrived again at frame #3'],
    ['agent_started agent_completed agent_completed', 'pass', false, 'last'],
    ['agent_thinking! agent_started agent_completed agent_thinking!', 'pass', false, 'last'],
    ['', 'skip', false, 'no agent events'],
  ])('%s -> %s', (specs, status, violated, text) => {
    const result = run(trackOrder(SPEC), specs);
    expect(result.status).toBe(status);
    expect(result.violated).toBe(violated);
    expect(result.message).toContain(text);
  });
});

describe('trackSingleTerminal', () => {
  it.each([
    ['agent_started agent_completed', 'pass', false, 'once'],
    ['agent_started', 'fail', false, 'never arrived'],
    ['agent_started agent_completed agent_completed', 'fail', true, '2 times (frames #2, #3)'],
    ['agent_started agent_completed agent_completed!', 'pass', false, 'once'],
  ])('%s -> %s', (specs, status, violated, text) => {
    const result = run(trackSingleTerminal(SPEC), specs);
    expect(result.status).toBe(status);
    expect(result.violated).toBe(violated);
    expect(result.message).toContain(text);
  });
});

describe('trackToolPairing', () => {
  // prettier-ignore
  it.each([
    ['tool_executing:c1:a tool_completed:c1:a', 'pass', false, '1 tool call(s) paired by correlation_id'],
    ['tool_executing:c1:a tool_executing:c2:a tool_completed:c2:a tool_completed:c1:a', 'pass', false, '2 tool call(s) paired by correlation_id'],
    ['tool_executing:c1:a tool_completed:c9:a', 'fail', true, 'correlation_id `c1` at frame #1'],
    ['tool_executing:c1:a tool_completed:c9:a', 'fail', true, 'tool_completed without an open tool_executing (first: correlation_id `c9` at frame #2)'],
    ['tool_completed:c1:a tool_executing:c1:a', 'fail', true, 'never closed'],
    ['tool_executing:c1:a tool_completed:c1:a tool_completed:c1:a', 'fail', true, '1 tool_completed without an open tool_executing'],
    ['tool_executing:c1:a', 'fail', false, '1 tool_executing never closed'],
    ['tool_executing::a tool_executing::a tool_completed::a', 'fail', false, '1 tool_executing never closed by a tool_completed (first: tool_name `a` at frame #2)'],
    ['tool_executing::search tool_completed::search', 'pass', false, 'paired by tool_name'],
    ['tool_executing:c1:search tool_completed::search', 'pass', false, 'paired by tool_name'],
    ['tool_executing::search tool_executing::fetch tool_completed::search tool_completed::fetch', 'pass', false, '2 tool call(s)'],
    ['tool_executing::search tool_completed::fetch', 'fail', true, 'tool_name `search`'],
    ['tool_executing tool_completed', 'fail', true, 'carry no tool_name'],
    ['tool_executing:c1:a tool_completed:c2:a!', 'fail', false, 'never closed'],
    ['agent_started agent_completed', 'skip', false, 'no tool events'],
  ])('%s -> %s (%s)', (specs, status, violated, text) => {
    const result = run(trackToolPairing(SPEC.pairs), specs);
    expect(result.status).toBe(status);
    expect(result.violated).toBe(violated);
    expect(result.message).toContain(text);
  });
});

describe('trackRunScope', () => {
  // prettier-ignore
  it.each([
    [HAPPY, 'pass', false, 'no events of other runs'],
    ['agent_started agent_thinking! tool_executing:c1! agent_completed', 'fail', true, '2 event(s) of another run (first: agent_thinking at frame #2 with thread_id `thread_other`)'],
  ])('%s -> %s', (specs, status, violated, text) => {
    const result = run(trackRunScope(true), specs);
    expect(result.status).toBe(status);
    expect(result.violated).toBe(violated);
    expect(result.message).toContain(text);
  });
});

describe('trackTimeBudget', () => {
  const budgets = { firstEventMs: 1000, totalMs: 5000 };
  // prettier-ignore
  it.each([
    ['agent_started@10 agent_completed@4000', 'terminal', 'pass', 'after 10 ms'],
    ['agent_started@1500 agent_completed@4000', 'terminal', 'fail', 'first agent event arrived after 1500 ms; the budget is 1000 ms'],
    ['agent_started@10 agent_completed@6000', 'terminal', 'fail', 'agent_completed arrived after 6000 ms'],
    ['agent_started@10 agent_thinking@20', 'timeout', 'fail', 'did not arrive within 5000 ms; still missing: tool_completed, agent_completed'],
    ['agent_started@10', 'closed', 'skip', 'session ended: closed'],
    ['', 'first_event_timeout', 'fail', 'no agent event arrived within 1000 ms'],
    ['', 'closed', 'skip', 'no agent event'],
    ['agent_started agent_completed', 'terminal', 'skip', 'unknown'],
    ['agent_started@3000! agent_started@10 agent_completed@20', 'terminal', 'pass', 'after 10 ms'],
  ])('%s (%s) -> %s', (specs, reason, status, text) => {
    const ctx: RuleContext = {
      outcome: outcome(reason as SessionOutcome['reason']),
      missing: ['tool_completed', 'agent_completed'],
    };
    const result = run(trackTimeBudget(budgets, SPEC), specs, ctx);
    expect(result.status).toBe(status);
    expect(result.message).toContain(text);
    expect(result.violated).toBe(false);
  });

  it('skips without budgets', () => {
    expect(run(trackTimeBudget(null, SPEC), 'agent_started@99999', context()).status).toBe('skip');
  });
});

describe('createRuleSet', () => {
  it('gives the six results in rule order and reports an undoable violation', () => {
    const rules = createRuleSet(SPEC, null);
    'agent_thinking agent_started'
      .split(' ')
      .forEach((spec, i) => rules.observe(parseEvent(spec, i)));
    const results = rules.results(context());
    expect(results.map((r) => r.id)).toEqual([
      'presence',
      'order',
      'single_terminal',
      'tool_pairing',
      'run_scope',
      'time_budget',
    ]);
    expect(results.map((r) => r.status)).toEqual(['fail', 'fail', 'fail', 'skip', 'pass', 'skip']);
    expect(rules.violated()).toBe(true);
  });

  it('skipRules marks all six skip with the reason', () => {
    const results = skipRules('not judged: auth');
    expect(results).toHaveLength(6);
    expect(results.every((r) => r.status === 'skip' && r.message === 'not judged: auth')).toBe(
      true,
    );
  });
});

describe('the keys of the canonical tool pair', () => {
  const keys = pairKeys(SPEC.pairs[0]?.by ?? []);

  it('are correlation_id, then tool_name in data or at the top', () => {
    expect(keys).toEqual([
      { label: 'correlation_id', paths: [['correlation_id']] },
      { label: 'tool_name', paths: [['data', 'tool_name'], ['tool_name']] },
    ]);
  });

  // prettier-ignore
  it.each([
    [{ correlation_id: 'c1', data: { tool_name: 'a' } }, { correlationId: 'c1', toolName: 'a' }],
    [{ tool_name: 'top', data: { parameters: {} } }, { correlationId: null, toolName: 'top' }],
    [{ correlation_id: null, data: { tool_name: 'a' }, tool_name: 'b' }, { correlationId: null, toolName: 'a' }],
    [{}, { correlationId: null, toolName: null }],
  ])('%o -> %o', (frame, expected) => {
    const [byId, byName] = keys.map((key) => new KeyPairing(key));
    expect({ correlationId: byId?.read(frame), toolName: byName?.read(frame) }).toEqual(expected);
  });
});
