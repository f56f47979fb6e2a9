import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { namedEvents, type ProfileSpec } from './profile.js';
import { BUNDLE_SCHEMA_FORMAT, bundleSchemas } from './schema-bundle.js';

/** The AsyncAPI version of the documents `exportAsyncApi` writes. */
const ASYNCAPI_VERSION = '3.0.0';

/** Where the agent listens, when known: the server and the channel's address. */
export interface AsyncApiEndpoint {
  /** `host[:port]`. */
  host: string;
  protocol: 'ws' | 'wss';
  /** The path of the WebSocket endpoint, e.g. `/ws`. */
  path: string;
}

/** What an AsyncAPI document of a profile is made of. */
export interface AsyncApiInput {
  spec: ProfileSpec;
  /** Every schema file of the profile's folder, parsed. */
  files: readonly { file: string; schema: AnySchemaObject }[];
  /** Frame type -> the file whose schema covers it. */
  covers: Readonly<Record<string, string>>;
  /** The message sent to start a run, with its `{{placeholders}}`. */
  trigger: Record<string, unknown>;
  endpoint: AsyncApiEndpoint | null;
  /** Names the tool and its version in the document's description. */
  generator: string;
}

const CHANNEL = 'agentStream';
const MESSAGE_KEY = /[^A-Za-z0-9._-]/g;
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** What a type of frame is to the profile, in a few words. */
function roleOf(spec: ProfileSpec, type: string): string {
  const roles = [
    spec.required.includes(type) ? 'required' : null,
    spec.first.includes(type) ? 'opens the run' : null,
    spec.terminal.includes(type) ? 'ends the run' : null,
    spec.errors.includes(type) ? 'an error: fails and ends the run' : null,
    spec.once.includes(type) ? 'at most once' : null,
    ...spec.pairs.flatMap((pair) => [
      pair.open === type ? `opens a pair closed by ${pair.close}` : null,
      pair.close === type ? `closes a pair opened by ${pair.open}` : null,
      pair.inside.includes(type) ? `inside an open ${pair.open}` : null,
    ]),
  ].filter((role): role is string => role !== null);
  if (roles.length > 0) return `A run event: ${roles.join('; ')}.`;
  return namedEvents(spec).includes(type)
    ? 'A run event.'
    : 'Not part of the run (infrastructure): validated when it arrives.';
}

/** A JSON Schema (draft-07) of the messages a trigger template makes: its literal values, and a string wherever a placeholder is filled in. */
function describeTemplate(value: unknown): AnySchemaObject {
  if (typeof value === 'string') {
    const names = [...value.matchAll(PLACEHOLDER)].map((m) => `{{${m[1] ?? ''}}}`);
    return names.length === 0
      ? { const: value }
      : { type: 'string', description: `filled in from ${names.join(', ')}` };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { type: 'array', maxItems: 0 };
    return { type: 'array', items: value.map(describeTemplate) };
  }
  if (typeof value === 'object' && value !== null) {
    return {
      type: 'object',
      required: Object.keys(value),
      properties: Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, describeTemplate(item)]),
      ),
    };
  }
  return { const: value };
}

/**
 * An AsyncAPI 3.0 document of a profile, from the client's side: one channel (the WebSocket
 * endpoint, `ws` binding), a message per frame type with its schema (draft-07, declared), a receive
 * operation for them and a send operation for the trigger, the sequence rules under `x-ws-validate`.
 */
export function buildAsyncApi(input: AsyncApiInput): Record<string, unknown> {
  const { spec } = input;
  const bundle = bundleSchemas(input.files, (key) => `#/components/schemas/${key}/schema`);
  const named = namedEvents(spec);
  // The run's events in the profile's order, then the other types a schema covers.
  const types = [...named, ...Object.keys(input.covers).filter((type) => !named.includes(type))];
  const used = new Set<string>();
  const keyOf = (name: string): string => {
    let key = name.replace(MESSAGE_KEY, '_');
    while (used.has(key)) key = `${key}_`;
    used.add(key);
    return key;
  };
  const messages: Record<string, unknown> = {};
  const received: string[] = [];
  for (const type of types) {
    const file = input.covers[type];
    if (file === undefined) continue;
    const key = keyOf(type);
    received.push(key);
    messages[key] = {
      name: type,
      title: type,
      summary: roleOf(spec, type),
      contentType: 'application/json',
      payload: { $ref: `#/components/schemas/${bundle.keyOf[file] ?? ''}` },
    };
  }
  const triggerKey = keyOf('trigger');
  messages[triggerKey] = {
    name: 'trigger',
    title: 'trigger',
    summary: 'Sent once the socket is open: starts the run.',
    contentType: 'application/json',
    payload: { schemaFormat: BUNDLE_SCHEMA_FORMAT, schema: describeTemplate(input.trigger) },
  };
  const ref = (path: string): { $ref: string } => ({ $ref: path });
  const channelRef = ref(`#/channels/${CHANNEL}`);
  const endpoint = input.endpoint;
  return {
    asyncapi: ASYNCAPI_VERSION,
    info: {
      title: `${spec.name} event stream`,
      version: String(spec.profile),
      description: [
        spec.description,
        `Written by ${input.generator} from the profile ${spec.name}, from the side of the client that triggers a run and receives its events.`,
      ]
        .filter((line) => line !== '')
        .join('\n\n'),
    },
    ...(endpoint === null
      ? {}
      : { servers: { agent: { host: endpoint.host, protocol: endpoint.protocol } } }),
    defaultContentType: 'application/json',
    channels: {
      [CHANNEL]: {
        address: endpoint?.path ?? null,
        title: 'The agent WebSocket endpoint',
        description:
          'One WebSocket connection per run: the client sends the trigger, the agent streams the run back, one JSON frame per message.',
        ...(endpoint === null ? {} : { servers: [ref('#/servers/agent')] }),
        messages: Object.fromEntries(
          Object.keys(messages).map((key) => [key, ref(`#/components/messages/${key}`)]),
        ),
        bindings: { ws: { method: 'GET', bindingVersion: '0.1.0' } },
      },
    },
    operations: {
      receiveEvents: {
        action: 'receive',
        channel: channelRef,
        summary: "The run's events, and any other frame the agent sends.",
        messages: received.map((key) => ref(`#/channels/${CHANNEL}/messages/${key}`)),
      },
      sendTrigger: {
        action: 'send',
        channel: channelRef,
        summary: 'Starts a run.',
        messages: [ref(`#/channels/${CHANNEL}/messages/${triggerKey}`)],
      },
    },
    components: {
      messages,
      schemas: Object.fromEntries(
        Object.entries(bundle.schemas).map(([key, schema]) => [
          key,
          { schemaFormat: BUNDLE_SCHEMA_FORMAT, schema },
        ]),
      ),
    },
    'x-ws-validate': {
      profile: spec.profile,
      name: spec.name,
      typeField: spec.typeField,
      required: spec.required,
      events: spec.events,
      first: spec.first,
      terminal: spec.terminal,
      errors: spec.errors,
      once: spec.once,
      pairs: spec.pairs,
      runScope: spec.runScope,
    },
  };
}
