import { describe, expect, it } from 'vitest';
import {
  attributeEvent,
  belongsToRun,
  createRunScope,
  readEventIds,
  type Attribution,
  type EventIds,
  type RunIds,
} from '../../src/contract/attribution.js';
import type { TriggerInfo } from '../../src/contract/types.js';

const ids = (threadId: string | null, runId: string | null): EventIds => ({ threadId, runId });
const run = (threadId: string | null, ...runIds: string[]): RunIds => ({ threadId, runIds });
const trigger: TriggerInfo = { type: 'agent_execution', thread_id: 'T', run_id: 'R' };

describe('attributeEvent', () => {
  const cases: [EventIds, RunIds, Attribution][] = [
    [ids('T', 'R'), run('T', 'R'), 'own'],
    [ids('T', 'other'), run('T', 'R'), 'own'], // thread_id decides; the server may assign its own run_id
    [ids('X', 'R'), run('T', 'R'), 'foreign'],
    [ids(null, 'R'), run('T', 'R'), 'own'],
    [ids(null, 'S'), run('T', 'R', 'S'), 'own'],
    [ids(null, 'X'), run('T', 'R'), 'foreign'],
    [ids(null, null), run('T', 'R'), 'unknown'],
    [ids('T', null), run(null), 'unknown'],
    [ids('X', 'R'), run(null, 'R'), 'own'], // no thread known for the run: run_id decides
    [ids('X', null), run(null, 'R'), 'unknown'],
    [ids(null, 'R'), run(null), 'unknown'],
  ];
  it.each(cases)('%o in %o -> %s', (event, scope, expected) => {
    expect(attributeEvent(event, scope)).toBe(expected);
  });
});

describe('readEventIds', () => {
  const cases: [unknown, EventIds][] = [
    [{ thread_id: 'T', run_id: 'R' }, ids('T', 'R')],
    [{ thread_id: '', run_id: 7 }, ids(null, null)],
    [{ run_id: 'R', data: { thread_id: 'T' } }, ids(null, 'R')],
    ['not an object', ids(null, null)],
    [null, ids(null, null)],
  ];
  it.each(cases)('%o -> %o', (frame, expected) => {
    expect(readEventIds(frame)).toEqual(expected);
  });
});

describe('belongsToRun', () => {
  it.each<[Attribution, boolean]>([
    ['own', true],
    ['unknown', true],
    ['foreign', false],
  ])('%s -> %s', (attribution, expected) => {
    expect(belongsToRun(attribution)).toBe(expected);
  });
});

type Step = [type: string, event: EventIds, expected: Attribution];

function attributeAll(scopeTrigger: TriggerInfo | null, steps: readonly Step[]): Attribution[] {
  const scope = createRunScope(scopeTrigger);
  return steps.map(([type, event]) => scope.attribute(type, event));
}

describe('createRunScope', () => {
  const sequences: [name: string, trigger: TriggerInfo | null, steps: Step[]][] = [
    [
      'bridge shape: the first agent_started without thread_id sets the run_id',
      trigger,
      [
        ['agent_started', ids(null, 'S'), 'own'],
        ['agent_thinking', ids(null, 'S'), 'own'],
        ['tool_executing', ids(null, 'X'), 'foreign'],
        ['agent_started', ids(null, 'Y'), 'foreign'],
        ['agent_completed', ids(null, 'R'), 'own'],
      ],
    ],
    [
      "canonical: an own agent_started's run_id covers later events without thread_id",
      trigger,
      [
        ['agent_started', ids('T', 'S'), 'own'],
        ['agent_error', ids(null, 'S'), 'own'],
        ['agent_started', ids(null, 'Z'), 'foreign'],
      ],
    ],
    [
      'a foreign agent_started does not set the run_id',
      trigger,
      [
        ['agent_started', ids('X', 'S'), 'foreign'],
        ['agent_thinking', ids(null, 'S'), 'foreign'],
        ['agent_started', ids(null, 'S2'), 'own'],
        ['agent_thinking', ids(null, 'S2'), 'own'],
      ],
    ],
    [
      'no trigger: events before agent_started are unknown, then its ids define the run',
      null,
      [
        ['agent_thinking', ids('X', 'Q'), 'unknown'],
        ['agent_started', ids('T', 'S'), 'own'],
        ['tool_executing', ids('T', null), 'own'],
        ['tool_completed', ids('U', 'S'), 'foreign'],
        ['agent_completed', ids(null, 'S'), 'own'],
      ],
    ],
    [
      'no trigger and an agent_started without ids: nothing can be told apart',
      null,
      [
        ['agent_started', ids(null, null), 'own'],
        ['agent_thinking', ids('X', 'Y'), 'unknown'],
      ],
    ],
  ];
  it.each(sequences)('%s', (_name, scopeTrigger, steps) => {
    expect(attributeAll(scopeTrigger, steps)).toEqual(steps.map(([, , expected]) => expected));
  });

  it('reports the ids it has adopted', () => {
    const scope = createRunScope(trigger);
    scope.attribute('agent_started', ids(null, 'S'));
    expect(scope.ids).toEqual({ threadId: 'T', runIds: ['R', 'S'] });
  });
});
