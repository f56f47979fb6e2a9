import { UsageError } from '../shared/errors.js';
import type { TriggerInfo } from '../contract/types.js';
import type { NamedTrigger } from '../settings/parse.js';
import type { RunSettings } from '../settings/resolve.js';

/** The values a trigger is built from; ids are fresh for every run. */
export interface TriggerValues {
  thread_id: string;
  run_id: string;
  user_id: string;
  message: string;
  agent: string;
}

/** A trigger message ready to send, with the ids that scope its run. */
export interface BuiltTrigger {
  frame: Record<string, unknown>;
  info: TriggerInfo;
}

/** Builds one of the named trigger messages. */
export function buildNamedTrigger(name: NamedTrigger, values: TriggerValues): BuiltTrigger {
  const { thread_id, run_id, user_id, message, agent } = values;
  const frame: Record<string, unknown> =
    name === 'agent_execution'
      ? {
          type: 'agent_execution',
          agent_type: agent,
          message,
          thread_id,
          run_id,
          user_context: { user_id },
        }
      : name === 'start_agent'
        ? {
            type: 'start_agent',
            payload: { user_request: message, thread_id, run_id, agent_type: agent },
          }
        : // The backend's servers read `payload.content`; earlier front ends sent `payload.text`.
          { type: 'user_message', payload: { content: message, text: message, thread_id, run_id } };
  return { frame, info: { type: name, thread_id, run_id, user_id } };
}

/**
 * The trigger again with the server's thread_id in place of ours, wherever ours appears (in any
 * string: ours is a fresh uuid, so it appears nowhere by chance), for the request that follows a
 * handshake.
 */
export function withThreadId(frame: unknown, ours: string, theirs: string): unknown {
  if (typeof frame === 'string') return ours === '' ? frame : frame.split(ours).join(theirs);
  if (Array.isArray(frame)) return frame.map((item) => withThreadId(item, ours, theirs));
  if (typeof frame !== 'object' || frame === null) return frame;
  // fromEntries defines each member, so a template's `__proto__` member stays a member.
  return Object.fromEntries(
    Object.entries(frame).map(([key, value]) => [key, withThreadId(value, ours, theirs)]),
  );
}

const PLACEHOLDERS = ['thread_id', 'run_id', 'user_id', 'message', 'agent', 'uuid'] as const;
const PLACEHOLDER = new RegExp(`\\{\\{\\s*(${PLACEHOLDERS.join('|')})\\s*\\}\\}`, 'g');
const ANY_PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/;

/**
 * Warnings about a trigger template as it is loaded: without `{{thread_id}}` or `{{run_id}}`, the
 * server cannot tie its events to this run, and the judge may find them foreign.
 */
export function templateWarnings(template: string, source: string): string[] {
  const used = new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
  return (['thread_id', 'run_id'] as const)
    .filter((id) => !used.has(id))
    .map(
      (id) =>
        `${source}: the trigger template has no {{${id}}}: the server cannot tie its events to this run, so they may be judged foreign`,
    );
}

/** Where a run's trigger comes from: a named trigger, or a JSON template with placeholders. */
export type TriggerSource =
  | { kind: 'named'; name: NamedTrigger }
  | {
      kind: 'template';
      text: string;
      /** Names the template in errors: a file, or a profile's `trigger` field. */
      source: string;
      /** A template file must give the message a `type`; a profile's trigger need not (a RunAgentInput has none). */
      requireType: boolean;
    };

// Trigger type shown for a trigger that has no `type` field.
const UNTYPED_TRIGGER = '(no type field)';

/** Fills a JSON trigger template's `{{placeholders}}` (`{{uuid}}` a fresh id at each one) and checks the result has a `type` when required. */
export function buildTemplateTrigger(
  template: string,
  source: string,
  values: TriggerValues,
  options: { requireType?: boolean; newId?: () => string } = {},
): BuiltTrigger {
  const newId = options.newId ?? (() => values.run_id);
  // Placeholders sit inside JSON strings, so substitute JSON-escaped text without its quotes.
  const filled = template.replace(PLACEHOLDER, (_, key: keyof TriggerValues | 'uuid') =>
    JSON.stringify(key === 'uuid' ? newId() : values[key]).slice(1, -1),
  );
  // A placeholder left over is a typo that would go to the server as it is.
  const unknown = ANY_PLACEHOLDER.exec(filled);
  if (unknown !== null) {
    throw new UsageError(
      'TRIGGER_INVALID',
      `${source}: unknown placeholder ${unknown[0]} in the trigger template`,
      { hint: `the placeholders are ${PLACEHOLDERS.map((name) => `{{${name}}}`).join(', ')}` },
    );
  }
  let frame: unknown;
  try {
    frame = JSON.parse(filled);
  } catch (error) {
    throw new UsageError('TRIGGER_INVALID', `${source}: the trigger template is not JSON`, {
      hint: `${(error as Error).message}; placeholders {{thread_id}} {{run_id}} {{user_id}} {{message}} {{agent}} {{uuid}} go inside strings`,
      cause: error,
    });
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) {
    throw new UsageError(
      'TRIGGER_INVALID',
      `${source}: the trigger template must be a JSON object`,
    );
  }
  const type = (frame as Record<string, unknown>).type;
  const typed = typeof type === 'string' && type !== '';
  if (!typed && options.requireType !== false) {
    throw new UsageError('TRIGGER_INVALID', `${source}: the trigger template has no "type"`, {
      hint: 'add e.g. "type": "agent_execution"',
    });
  }
  return {
    frame: frame as Record<string, unknown>,
    info: {
      type: typed ? type : UNTYPED_TRIGGER,
      thread_id: values.thread_id,
      run_id: values.run_id,
      user_id: values.user_id,
    },
  };
}

/** Builds the trigger for one run with fresh ids, from a named trigger or a template. */
export function buildRunTrigger(
  trigger: TriggerSource,
  settings: Pick<RunSettings, 'message' | 'agent'>,
  userId: string,
  newId: () => string,
): BuiltTrigger {
  const values: TriggerValues = {
    thread_id: newId(),
    run_id: newId(),
    user_id: userId,
    message: settings.message,
    agent: settings.agent,
  };
  if (trigger.kind === 'named') return buildNamedTrigger(trigger.name, values);
  return buildTemplateTrigger(trigger.text, trigger.source, values, {
    requireType: trigger.requireType,
    newId,
  });
}
