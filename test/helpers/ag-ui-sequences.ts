// Seeded generation of AG-UI event sequences: whole runs that keep every rule of AG-UI 1.0, and
// the same runs broken in one or two ways. Written from the protocol (docs.ag-ui.com), not from the
// validator's profile: the agreement test compares the profile with @ag-ui/client on them.

/** One AG-UI event as it goes on the wire. */
export type AgUiEvent = { type: string } & Record<string, unknown>;

/** The ids of the run the generated sequences belong to, as the trigger gave them. */
export const RUN_IDS = { threadId: 'thread-7', runId: 'run-7' } as const;

/** A source of numbers in [0, 1) that gives the same numbers for the same seed (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Dice {
  constructor(private readonly random: () => number) {}
  /** A whole number in [0, n). */
  below(n: number): number {
    return Math.floor(this.random() * n);
  }
  chance(p: number): boolean {
    return this.random() < p;
  }
  pick<T>(items: readonly T[]): T {
    const item = items[this.below(items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
  /** Removes and returns one item of a non-empty list. */
  take<T>(items: T[]): T {
    const [item] = items.splice(this.below(items.length), 1);
    if (item === undefined) throw new Error('take from an empty list');
    return item;
  }
}

// What is open at a point of the run, by kind; an id leaves its list when it is closed.
interface Open {
  text: string[];
  tool: string[];
  step: string[];
  reasoning: string[];
  reasoningMessage: string[];
  subagent: string[];
}

const STEP_NAMES = ['plan', 'search', 'answer', 'review'];

/** A whole run that keeps every rule: RUN_STARTED, interleaved brackets and other events, RUN_FINISHED. */
export function generateRun(random: () => number): AgUiEvent[] {
  const dice = new Dice(random);
  let next = 0;
  const id = (prefix: string): string => `${prefix}-${(next += 1)}`;
  const open: Open = {
    text: [],
    tool: [],
    step: [],
    reasoning: [],
    reasoningMessage: [],
    subagent: [],
  };
  const endedTools: string[] = [];
  const messages: string[] = [];
  const activities: string[] = [];
  const events: AgUiEvent[] = [];
  let clock = 1_764_547_200_000;
  const push = (type: string, fields: Record<string, unknown> = {}): void => {
    clock += 1 + dice.below(40);
    events.push({ type, ...fields, ...(dice.chance(0.7) ? { timestamp: clock } : {}) });
  };

  push('RUN_STARTED', {
    ...RUN_IDS,
    ...(dice.chance(0.3)
      ? {
          input: {
            ...RUN_IDS,
            messages: [{ id: 'input-1', role: 'user', content: 'What changed?' }],
            tools: [],
            context: [],
            state: {},
            forwardedProps: {},
          },
        }
      : {}),
  });

  const actions: Record<string, () => boolean> = {
    textStart: () => {
      const messageId = id('msg');
      open.text.push(messageId);
      messages.push(messageId);
      push('TEXT_MESSAGE_START', {
        messageId,
        ...(dice.chance(0.8) ? { role: dice.pick(['assistant', 'assistant', 'user']) } : {}),
      });
      return true;
    },
    textContent: () => {
      if (open.text.length === 0) return false;
      push('TEXT_MESSAGE_CONTENT', { messageId: dice.pick(open.text), delta: 'Some text. ' });
      return true;
    },
    textEnd: () => {
      if (open.text.length === 0) return false;
      push('TEXT_MESSAGE_END', { messageId: dice.take(open.text) });
      return true;
    },
    toolStart: () => {
      const toolCallId = id('call');
      open.tool.push(toolCallId);
      push('TOOL_CALL_START', {
        toolCallId,
        toolCallName: dice.pick(['search', 'fetch_usage']),
        ...(messages.length > 0 && dice.chance(0.5)
          ? { parentMessageId: dice.pick(messages) }
          : {}),
      });
      return true;
    },
    toolArgs: () => {
      if (open.tool.length === 0) return false;
      push('TOOL_CALL_ARGS', { toolCallId: dice.pick(open.tool), delta: '{"period":"30d"}' });
      return true;
    },
    toolEnd: () => {
      if (open.tool.length === 0) return false;
      const toolCallId = dice.take(open.tool);
      endedTools.push(toolCallId);
      push('TOOL_CALL_END', { toolCallId });
      return true;
    },
    toolResult: () => {
      if (endedTools.length === 0) return false;
      push('TOOL_CALL_RESULT', {
        messageId: id('result'),
        toolCallId: dice.pick(endedTools),
        content: dice.chance(0.5) ? '{"rows":3}' : [{ type: 'text', text: '3 rows' }],
        ...(dice.chance(0.5) ? { role: 'tool' } : {}),
      });
      return true;
    },
    stepStart: () => {
      const free = STEP_NAMES.filter((name) => !open.step.includes(name));
      if (free.length === 0) return false;
      const stepName = dice.pick(free);
      open.step.push(stepName);
      push('STEP_STARTED', { stepName });
      return true;
    },
    stepFinish: () => {
      if (open.step.length === 0) return false;
      push('STEP_FINISHED', { stepName: dice.take(open.step) });
      return true;
    },
    state: () => {
      if (dice.chance(0.5)) push('STATE_SNAPSHOT', { snapshot: { stage: 'searching', rows: 0 } });
      else push('STATE_DELTA', { delta: [{ op: 'replace', path: '/rows', value: 3 }] });
      return true;
    },
    snapshot: () => {
      push('MESSAGES_SNAPSHOT', {
        messages: [
          { id: 'input-1', role: 'user', content: 'What changed?' },
          { id: id('snap'), role: 'assistant', content: 'Usage went up.' },
        ],
      });
      return true;
    },
    activity: () => {
      if (activities.length > 0 && dice.chance(0.5)) {
        push('ACTIVITY_DELTA', {
          messageId: dice.pick(activities),
          activityType: 'progress',
          patch: [{ op: 'replace', path: '/percent', value: 80 }],
        });
      } else {
        const messageId = id('activity');
        activities.push(messageId);
        push('ACTIVITY_SNAPSHOT', {
          messageId,
          activityType: 'progress',
          content: { percent: 10 },
        });
      }
      return true;
    },
    other: () => {
      const which = dice.below(5);
      if (which === 0) push('CUSTOM', { name: 'note', value: { level: 'info' } });
      else if (which === 1) push('RAW', { event: { provider: 'model-x' }, source: 'model-x' });
      else if (which === 2) push('TEXT_MESSAGE_CHUNK', { messageId: id('chunk'), delta: 'Hi' });
      else if (which === 3) {
        push('TOOL_CALL_CHUNK', { toolCallId: id('chunk'), toolCallName: 'search', delta: '{}' });
      } else push('REASONING_MESSAGE_CHUNK', { messageId: id('chunk'), delta: 'hmm' });
      return true;
    },
    reasoningStart: () => {
      const messageId = id('reason');
      open.reasoning.push(messageId);
      push('REASONING_START', { messageId });
      return true;
    },
    reasoningEnd: () => {
      if (open.reasoning.length === 0) return false;
      push('REASONING_END', { messageId: dice.take(open.reasoning) });
      return true;
    },
    reasoningMessage: () => {
      if (open.reasoningMessage.length > 0 && dice.chance(0.6)) {
        if (dice.chance(0.5)) {
          push('REASONING_MESSAGE_CONTENT', {
            messageId: dice.pick(open.reasoningMessage),
            delta: 'thinking',
          });
        } else push('REASONING_MESSAGE_END', { messageId: dice.take(open.reasoningMessage) });
      } else {
        const messageId = id('thought');
        open.reasoningMessage.push(messageId);
        push('REASONING_MESSAGE_START', { messageId, role: 'reasoning' });
      }
      return true;
    },
    encrypted: () => {
      if (messages.length === 0) return false;
      push('REASONING_ENCRYPTED_VALUE', {
        subtype: 'message',
        entityId: dice.pick(messages),
        encryptedValue: 'b64:c2VjcmV0',
      });
      return true;
    },
    subagent: () => {
      if (open.subagent.length > 0 && dice.chance(0.5)) {
        const subagentRunId = dice.take(open.subagent);
        if (dice.chance(0.7)) push('SUBAGENT_FINISHED', { subagentRunId });
        else push('SUBAGENT_ERROR', { subagentRunId, message: 'gave up' });
      } else {
        const subagentRunId = id('sub');
        open.subagent.push(subagentRunId);
        push('SUBAGENT_STARTED', { subagentRunId, name: 'researcher' });
      }
      return true;
    },
    // A frame of no AG-UI type (a transport's keep-alive): AG-UI's client drops it.
    heartbeat: () => {
      events.push({ type: 'HEARTBEAT' });
      return true;
    },
  };
  const names = Object.keys(actions);
  const length = dice.below(16);
  for (let done = 0; done < length;) {
    if (actions[dice.pick(names)]?.() === true) done += 1;
  }
  // Close whatever is still open, kinds interleaved, before the run ends.
  const closers: [string[], (key: string) => void][] = [
    [open.text, (messageId) => push('TEXT_MESSAGE_END', { messageId })],
    [open.tool, (toolCallId) => push('TOOL_CALL_END', { toolCallId })],
    [open.step, (stepName) => push('STEP_FINISHED', { stepName })],
    [open.reasoning, (messageId) => push('REASONING_END', { messageId })],
    [open.reasoningMessage, (messageId) => push('REASONING_MESSAGE_END', { messageId })],
    [open.subagent, (subagentRunId) => push('SUBAGENT_FINISHED', { subagentRunId })],
  ];
  for (;;) {
    const pending = closers.filter(([ids]) => ids.length > 0);
    if (pending.length === 0) break;
    const [ids, close] = dice.pick(pending);
    close(dice.take(ids));
  }
  push('RUN_FINISHED', { ...RUN_IDS, ...(dice.chance(0.3) ? { result: { rows: 3 } } : {}) });
  return events;
}

const KEYS = ['messageId', 'toolCallId', 'stepName', 'subagentRunId'];
const AFTER_FINISHED: AgUiEvent[] = [
  { type: 'RUN_STARTED', ...RUN_IDS },
  { type: 'RUN_STARTED', threadId: RUN_IDS.threadId, runId: 'run-8' },
  { type: 'RUN_ERROR', message: 'late failure' },
  { type: 'STEP_STARTED', stepName: 'follow_up' },
  { type: 'CUSTOM', name: 'note', value: 1 },
  { type: 'REASONING_START', messageId: 'late' },
  { type: 'HEARTBEAT' },
];

// Ways to malform a field AG-UI describes, each for the events that have the field.
const MALFORMS: [string, (event: AgUiEvent) => boolean][] = [
  ['timestamp as text', (e) => ((e.timestamp = '2025-12-01T00:00:00Z'), true)],
  ['timestamp with a fraction', (e) => ((e.timestamp = 1764547200000.5), true)],
  ['rawEvent null', (e) => ((e.rawEvent = null), true)],
  ['metadata a list', (e) => ((e.metadata = ['a']), true)],
  ['an id a number', (e) => KEYS.some((k) => k in e && ((e[k] = 42), true))],
  ['a required id missing', (e) => KEYS.some((k) => k in e && delete e[k])],
  ['delta missing', (e) => 'delta' in e && e.type !== 'STATE_DELTA' && delete e.delta],
  ['role unknown', (e) => e.type === 'TEXT_MESSAGE_START' && ((e.role = 'robot'), true)],
  ['runId missing', (e) => 'runId' in e && delete e.runId],
  ['a patch op unknown', (e) => e.type === 'STATE_DELTA' && ((e.delta = [{ op: 'nudge' }]), true)],
];

/** Breaks a run in one way, chosen by `random`, and says how. */
function breakOnce(events: AgUiEvent[], dice: Dice): string {
  const at = (): number => dice.below(events.length);
  const kind = dice.below(10);
  if (kind === 0 && events.length > 0) {
    const [gone] = events.splice(at(), 1);
    return `dropped ${gone?.type}`;
  }
  if (kind === 1 && events.length > 0) {
    const i = at();
    const copy = structuredClone(events[i] as AgUiEvent);
    events.splice(i + 1 + dice.below(events.length - i), 0, copy);
    return `duplicated ${copy.type}`;
  }
  if (kind === 2 && events.length > 1) {
    const i = dice.below(events.length - 1);
    const [a, b] = [events[i] as AgUiEvent, events[i + 1] as AgUiEvent];
    events[i] = b;
    events[i + 1] = a;
    return `swapped ${a.type} and ${b.type}`;
  }
  if (kind === 3) {
    const keyed = events.filter((e) => KEYS.some((k) => typeof e[k] === 'string'));
    if (keyed.length > 0) {
      const event = dice.pick(keyed);
      const key = KEYS.find((k) => typeof event[k] === 'string') as string;
      event[key] = `other-${dice.below(1000)}`;
      return `rekeyed ${event.type}`;
    }
  }
  if (kind === 4) {
    const keep = dice.below(events.length + 1);
    events.length = keep;
    return `truncated to ${keep}`;
  }
  if (kind === 5) {
    events.splice(1 + dice.below(events.length), 0, {
      type: 'RUN_ERROR',
      message: 'The model provider timed out',
      ...(dice.chance(0.5) ? { code: 'PROVIDER_TIMEOUT' } : {}),
    });
    return 'inserted RUN_ERROR';
  }
  if (kind === 6) {
    const late = structuredClone(dice.pick(AFTER_FINISHED));
    events.push(late);
    return `appended ${late.type}`;
  }
  if (kind === 7) {
    const scoped = events.filter((e) => e.type === 'RUN_STARTED' || e.type === 'RUN_FINISHED');
    if (scoped.length > 0) {
      const event = dice.pick(scoped);
      const field = dice.chance(0.5) ? 'runId' : 'threadId';
      event[field] = `${String(event[field])}-other`;
      return `${field} of ${event.type} changed`;
    }
  }
  if (kind === 8 && events.length > 0) {
    const event = dice.pick(events);
    const malforms = [...MALFORMS];
    while (malforms.length > 0) {
      const [name, malform] = dice.take(malforms);
      if (malform(event)) return `${event.type}: ${name}`;
    }
  }
  if (kind === 9) {
    events.splice(dice.below(events.length + 1), 0, { type: 'HEARTBEAT' });
    return 'inserted HEARTBEAT';
  }
  return 'left as it was';
}

/** A generated run, whole or broken: the events and how it was made. */
export interface Sequence {
  events: AgUiEvent[];
  how: string[];
}

/** The sequence of seed `seed`: a whole run for about two seeds in five, else one broken once or twice. */
export function generateSequence(seed: number): Sequence {
  const random = seededRandom(seed);
  const dice = new Dice(random);
  const events = generateRun(random);
  if (dice.chance(0.4)) return { events, how: ['whole'] };
  const how = [breakOnce(events, dice)];
  if (dice.chance(0.3)) how.push(breakOnce(events, dice));
  return { events, how };
}
