import type { FieldError, FrameCheck, FrameChecker } from '../../src/contract/types.js';

type Kind = 'string' | 'non-empty string' | 'object' | 'any' | 'number >= 0' | 'timestamp';

/** Required paths per message type: the section-5 contract plus a few infrastructure frames. */
const SCHEMAS: Record<string, Record<string, Kind>> = {
  agent_started: { 'data.agent_name': 'string' },
  agent_thinking: { 'data.reasoning': 'non-empty string' },
  tool_executing: {
    'data.tool_name': 'string',
    'data.tool_args': 'object',
    correlation_id: 'string',
  },
  tool_completed: {
    'data.tool_name': 'string',
    'data.results': 'any',
    'data.execution_time': 'number >= 0',
    correlation_id: 'string',
  },
  agent_completed: { 'data.status': 'string', 'data.final_response': 'non-empty string' },
  ack: { received_type: 'string', status: 'string' },
  error_message: { error_code: 'string', error_message: 'string' },
  connection_established: { data: 'object' },
};

const ENVELOPE: Record<string, Kind> = {
  timestamp: 'timestamp',
  run_id: 'non-empty string',
  thread_id: 'non-empty string',
  data: 'object',
};

/** Names a wrong field often goes by in the shapes of docs/protocol.md section 6. */
const SYNONYMS: Record<string, string[]> = {
  tool_args: ['parameters'],
  results: ['result'],
  execution_time: ['execution_time_ms'],
  final_response: ['response', 'result'],
};

function lookup(frame: unknown, path: string): unknown {
  let value: unknown = frame;
  for (const key of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function findInstead(frame: unknown, path: string): string | null {
  const leaf = path.split('.').at(-1) ?? path;
  const names = [leaf, ...(SYNONYMS[leaf] ?? [])];
  const candidates = names.flatMap((name) => [`data.${name}`, name, `payload.${name}`]);
  return (
    candidates.find((candidate) => candidate !== path && lookup(frame, candidate) !== undefined) ??
    null
  );
}

function matches(kind: Kind, value: unknown): boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string';
    case 'non-empty string':
      return typeof value === 'string' && value !== '';
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'any':
      return true;
    case 'number >= 0':
      return typeof value === 'number' && value >= 0;
    case 'timestamp':
      return (
        typeof value === 'number' || (typeof value === 'string' && !Number.isNaN(Date.parse(value)))
      );
  }
}

function checkPath(frame: unknown, path: string, kind: Kind): FieldError | null {
  const value = lookup(frame, path);
  if (value === undefined) {
    const instead = findInstead(frame, path);
    return {
      path,
      message:
        instead === null ? `\`${path}\` missing` : `\`${path}\` missing; frame has \`${instead}\``,
      expected: kind,
      actual: 'missing',
    };
  }
  if (matches(kind, value)) return null;
  return {
    path,
    message: `\`${path}\` must be ${kind}; found ${JSON.stringify(value)}`,
    expected: kind,
    actual: JSON.stringify(value),
  };
}

/** A hand-written FrameChecker requiring the section-5 paths, injected into the judge in tests. */
export function createSimpleChecker(): FrameChecker {
  return {
    schemaNames: Object.keys(SCHEMAS),
    check(frame: unknown): FrameCheck {
      const type =
        typeof frame === 'object' && frame !== null
          ? (frame as { type?: unknown }).type
          : undefined;
      const paths = typeof type === 'string' ? SCHEMAS[type] : undefined;
      if (typeof type !== 'string' || paths === undefined) return { schema: null, errors: [] };
      const required =
        type.startsWith('agent_') || type.startsWith('tool_') ? { ...ENVELOPE, ...paths } : paths;
      const errors = Object.entries(required).flatMap(([path, kind]) => {
        const error = checkPath(frame, path, kind);
        return error === null ? [] : [error];
      });
      return { schema: type, errors };
    },
  };
}
