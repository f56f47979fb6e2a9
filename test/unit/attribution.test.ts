import { describe, expect, it } from 'vitest';
import {
  belongsToRun,
  createIdReader,
  createRunScope,
  type Attribution,
  type EventIds,
} from '../../src/contract/attribution.js';
import type { RunScopeSpec } from '../../src/contract/profile.js';
import type { TriggerInfo } from '../../src/contract/types.js';

const ids = (threadId: string | null, runId: string | null): EventIds => ({ threadId, runId });
const trigger: TriggerInfo = { type: 'agent_execution', thread_id: 'T', run_id: 'R' };
const CANONICAL: RunScopeSpec = { thread: ['thread_id'], run: ['run_id'], adoptRunId: true };

describe('reading ids at the profile paths', () => {
  const reader = createIdReader(CANONICAL);
  const cases: [unknown, EventIds][] = [
    [{ thread_id: 'T', run_id: 'R' }, ids('T', 'R')],
    [{ thread_id: '', run_id: 7 }, ids(null, null)],
    [{ run_id: 'R', data: { thread_id: 'T' } }, ids(null, 'R')],
    ['not an object', ids(null, null)],
    [null, ids(null, null)],
  ];
  it.each(cases)('%o -> %o', (frame, expected) => {
    expect(reader.read(frame)).toEqual(expected);
  });

  it('reads dotted paths, the first that is present, and names ids by their path', () => {
    const nested = createIdReader({ thread: [], run: ['meta.run', 'runId'], adoptRunId: false });
    expect(nested.read({ meta: { run: 'M' }, runId: 'X', thread_id: 'T' })).toEqual(ids(null, 'M'));
    expect(nested.read({ runId: 'X' })).toEqual(ids(null, 'X'));
    expect(nested.describe('run', 'M')).toBe('meta.run `M`');
  });

  it('reads nothing for a profile whose frames carry no ids', () => {
    const none = createIdReader(null);
    expect(none.scoped).toBe(false);
    expect(none.read({ thread_id: 'T', run_id: 'R' })).toEqual(ids(null, null));
  });

  it('reads the ids a frame carries for cross-talk, user_id included', () => {
    expect(
      createIdReader(CANONICAL).carried({ thread_id: 'T', run_id: 'R', data: { user_id: 'u' } }),
    ).toEqual({ thread_id: 'T', run_id: 'R', user_id: 'u' });
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

/** A run event: whether it opens a run (agent_started), its ids, and the attribution expected. */
type Step = [opening: boolean, event: EventIds, expected: Attribution];

function attributeAll(
  scopeTrigger: TriggerInfo | null,
  steps: readonly Step[],
  spec: RunScopeSpec | null = CANONICAL,
): Attribution[] {
  const scope = createRunScope(scopeTrigger, spec, createIdReader(spec));
  return steps.map(([opening, event]) => scope.attribute(event, opening));
}

describe('createRunScope', () => {
  const sequences: [name: string, trigger: TriggerInfo | null, steps: Step[]][] = [
    [
      'the trigger ids',
      trigger,
      [
        [true, ids('T', 'R'), 'own'],
        [false, ids('T', 'R'), 'own'],
      ],
    ],
    [
      'another thread id is foreign whatever the run id',
      trigger,
      [
        [true, ids('T', 'R'), 'own'],
        [false, ids('X', 'R'), 'foreign'],
      ],
    ],
    [
      'a run id of the run thread that is neither the trigger one nor adopted is foreign',
      trigger,
      [
        [true, ids('T', 'R'), 'own'],
        [false, ids('T', 'other'), 'foreign'],
      ],
    ],
    [
      'bridge shape: the first agent_started without thread_id sets the run_id',
      trigger,
      [
        [true, ids(null, 'S'), 'own'],
        [false, ids(null, 'S'), 'own'],
        [false, ids(null, 'X'), 'foreign'],
        [true, ids(null, 'Y'), 'foreign'],
        [false, ids(null, 'R'), 'own'],
      ],
    ],
    [
      "canonical: an own agent_started's run_id covers later events without thread_id",
      trigger,
      [
        [true, ids('T', 'S'), 'own'],
        [false, ids(null, 'S'), 'own'],
        [false, ids('T', 'S'), 'own'],
        [true, ids(null, 'Z'), 'foreign'],
        [false, ids('T', 'Z'), 'foreign'],
      ],
    ],
    [
      'a foreign agent_started does not set the run_id',
      trigger,
      [
        [true, ids('X', 'S'), 'foreign'],
        [true, ids(null, 'S2'), 'own'],
        [false, ids(null, 'S2'), 'own'],
        [false, ids(null, 'S'), 'foreign'],
      ],
    ],
    [
      'the first event that carries a run id may bring in one, whatever its type',
      trigger,
      [
        [false, ids('T', 'S'), 'own'],
        [true, ids('T', 'S'), 'own'],
        [false, ids('T', 'R'), 'own'],
        [false, ids('T', 'S3'), 'foreign'],
      ],
    ],
    [
      'once the trigger run id came back, no other one is taken',
      trigger,
      [
        [true, ids('T', 'R'), 'own'],
        [false, ids('T', 'S'), 'foreign'],
      ],
    ],
    [
      'ids that say nothing are given the benefit of the doubt',
      trigger,
      [[false, ids(null, null), 'unknown']],
    ],
    [
      'no trigger: events before agent_started are unknown, then its ids define the run',
      null,
      [
        [false, ids('X', 'Q'), 'unknown'],
        [true, ids('T', 'S'), 'own'],
        [false, ids('T', null), 'own'],
        [false, ids('U', 'S'), 'foreign'],
        [false, ids(null, 'S'), 'own'],
      ],
    ],
    [
      'no trigger and an agent_started without ids: nothing can be told apart',
      null,
      [
        [true, ids(null, null), 'own'],
        [false, ids('X', 'Y'), 'unknown'],
      ],
    ],
  ];
  it.each(sequences)('%s', (_name, scopeTrigger, steps) => {
    expect(attributeAll(scopeTrigger, steps)).toEqual(steps.map(([, , expected]) => expected));
  });

  it('does not adopt a run id when the profile says the client chooses it', () => {
    const fixed: RunScopeSpec = { thread: ['thread_id'], run: ['run_id'], adoptRunId: false };
    const steps: Step[] = [
      [true, ids('T', 'S'), 'foreign'],
      [true, ids('T', 'R'), 'own'],
    ];
    expect(attributeAll(trigger, steps, fixed)).toEqual(['foreign', 'own']);
  });

  it('attributes nothing for a profile whose frames carry no ids', () => {
    const steps: Step[] = [[true, ids('X', 'Y'), 'unknown']];
    expect(attributeAll(trigger, steps, null)).toEqual(['unknown']);
  });

  it('reports the ids it has adopted and names what makes an event foreign', () => {
    const scope = createRunScope(trigger, CANONICAL, createIdReader(CANONICAL));
    scope.attribute(ids(null, 'S'), true);
    expect(scope.ids).toEqual({ threadId: 'T', runIds: ['R', 'S'] });
    expect(scope.describeForeign(ids('X', 'S'))).toBe('thread_id `X`');
    expect(scope.describeForeign(ids('T', 'Q'))).toBe('run_id `Q`');
  });
});
