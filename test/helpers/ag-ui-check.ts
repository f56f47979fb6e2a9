// A small, hand-written reading of AG-UI 1.0's event rules (docs.ag-ui.com), enough to tell the
// reference server's scenarios apart. It is not the validator's profile and shares nothing with it.

type Event = Record<string, unknown>;

// The string fields each event type must carry.
const REQUIRED: Readonly<Record<string, readonly string[]>> = {
  RUN_STARTED: ['threadId', 'runId'],
  RUN_FINISHED: ['threadId', 'runId'],
  RUN_ERROR: ['message'],
  STEP_STARTED: ['stepName'],
  STEP_FINISHED: ['stepName'],
  TEXT_MESSAGE_START: ['messageId'],
  TEXT_MESSAGE_CONTENT: ['messageId', 'delta'],
  TEXT_MESSAGE_END: ['messageId'],
  TOOL_CALL_START: ['toolCallId', 'toolCallName'],
  TOOL_CALL_ARGS: ['toolCallId', 'delta'],
  TOOL_CALL_END: ['toolCallId'],
  TOOL_CALL_RESULT: ['messageId', 'toolCallId', 'content'],
};

// Bracket events: which type opens, which continues inside, which closes, and the key they share.
const BRACKETS = [
  {
    open: 'TEXT_MESSAGE_START',
    inside: 'TEXT_MESSAGE_CONTENT',
    close: 'TEXT_MESSAGE_END',
    key: 'messageId',
    name: 'text message',
  },
  {
    open: 'TOOL_CALL_START',
    inside: 'TOOL_CALL_ARGS',
    close: 'TOOL_CALL_END',
    key: 'toolCallId',
    name: 'tool call',
  },
  { open: 'STEP_STARTED', inside: null, close: 'STEP_FINISHED', key: 'stepName', name: 'step' },
] as const;

/** Every way `events` breaks the rules of one AG-UI run for `ids`, in words; [] for a good run. */
export function checkAgUiRun(
  events: readonly Event[],
  ids: { threadId: string; runId: string },
): string[] {
  const problems: string[] = [];
  const open = new Map<string, Set<string>>(BRACKETS.map((b) => [b.name, new Set<string>()]));
  let ended: string | null = null;
  events.forEach((event, i) => {
    const type = String(event.type);
    const at = `#${i} ${type}`;
    const fields = REQUIRED[type];
    if (fields === undefined) problems.push(`${at}: not an event type the server sends`);
    for (const field of fields ?? []) {
      if (typeof event[field] !== 'string') problems.push(`${at}: ${field} is not a string`);
    }
    if (!Number.isInteger(event.timestamp))
      problems.push(`${at}: timestamp is not whole milliseconds`);
    if (ended !== null) problems.push(`${at}: after ${ended}`);
    if (i === 0 && type !== 'RUN_STARTED')
      problems.push(`${at}: the run does not open with RUN_STARTED`);
    if (type === 'RUN_STARTED' || type === 'RUN_FINISHED') {
      if (event.threadId !== ids.threadId || event.runId !== ids.runId)
        problems.push(`${at}: other ids`);
    }
    for (const bracket of BRACKETS) {
      const keys = open.get(bracket.name)!;
      const key = String(event[bracket.key]);
      if (type === bracket.open) keys.add(key);
      if ((type === bracket.inside || type === bracket.close) && !keys.has(key)) {
        problems.push(`${at}: ${bracket.name} ${key} is not open`);
      }
      if (type === bracket.close) keys.delete(key);
    }
    if (type === 'RUN_FINISHED') {
      for (const [name, keys] of open) {
        for (const key of keys) problems.push(`${at}: ${name} ${key} never closed`);
      }
    }
    if (type === 'RUN_ERROR') problems.push(`${at}: the run failed: ${String(event.message)}`);
    if (type === 'RUN_FINISHED' || type === 'RUN_ERROR') ended ??= type;
  });
  if (ended === null) problems.push('the run never ends with RUN_FINISHED');
  return problems;
}
