import { dottedPath, hasKey, isJsonObject, sameSegments, valueAt } from './json-paths.js';

// Names the emitters in docs/protocol.md section 6 use for the same detail; each group lists the
// canonical name first. A missing field is most often present under one of these.
const ALIAS_GROUPS: readonly (readonly string[])[] = [
  ['tool_args', 'parameters', 'args', 'arguments'],
  ['results', 'result'],
  ['execution_time', 'execution_time_ms', 'duration', 'duration_ms'],
  ['final_response', 'response', 'result', 'report'],
  ['reasoning', 'message', 'thought'],
  ['correlation_id', 'execution_id', 'tool_call_id'],
  ['data', 'payload'],
];

// Containers where emitters put event details: the frame itself, `data`, and the front end's `payload`.
const DETAIL_LOCATIONS: readonly (readonly string[])[] = [[], ['data'], ['payload']];

const MAX_KEYS_LISTED = 6;
const MAX_HINTS = 3;

/**
 * Says what the frame carries instead of the field `key` missing at path `at` (whose value is
 * `parent`), so the reader sees the drift at a glance: the same detail under an alias or another
 * container, a missing container's children one level up, or else what the parent does hold.
 */
export function describeMissing(
  frame: unknown,
  at: readonly string[],
  key: string,
  parent: unknown,
  propSchemas: readonly unknown[],
): string {
  const found: string[][] = [];
  const add = (segments: string[]): void => {
    if (!found.some((f) => f.join('\0') === segments.join('\0'))) found.push(segments);
  };
  const aliases = aliasesOf(key);
  for (const alias of aliases) if (hasKey(parent, alias)) add([...at, alias]);
  for (const loc of DETAIL_LOCATIONS) {
    if (sameSegments(loc, at)) continue;
    if (hasKey(valueAt(frame, loc), key)) add([...loc, key]);
  }
  for (const loc of DETAIL_LOCATIONS) {
    if (sameSegments(loc, at)) continue;
    const container = valueAt(frame, loc);
    for (const alias of aliases) if (hasKey(container, alias)) add([...loc, alias]);
  }
  if (found.length > 0) return `frame has ${renderLocations(found.slice(0, MAX_HINTS), at, key)}`;

  // A missing container (`data`) whose required children sit one level up: the flattened shape.
  const children = new Set<string>();
  for (const s of propSchemas) {
    if (isJsonObject(s) && Array.isArray(s.required))
      for (const r of s.required) if (typeof r === 'string') children.add(r);
  }
  const flattened = [...children].filter((c) => hasKey(parent, c)).map((c) => [...at, c]);
  if (flattened.length > 0) {
    const where = at.length === 0 ? ' at the top level' : '';
    return `frame has ${joinList(flattened.map((s) => `\`${dottedPath(s)}\``))}${where}`;
  }

  const where = at.length === 0 ? 'the top level' : `\`${dottedPath(at)}\``;
  if (!isJsonObject(parent)) return `${where} is not an object`;
  const keys = Object.keys(parent);
  if (keys.length === 0) return `${where} is empty`;
  const listed = keys.slice(0, MAX_KEYS_LISTED).map((k) => `\`${k}\``);
  const more = keys.length > MAX_KEYS_LISTED ? ` and ${keys.length - MAX_KEYS_LISTED} more` : '';
  return `${where} has ${listed.join(', ')}${more}`;
}

function renderLocations(found: readonly string[][], at: readonly string[], key: string): string {
  const nested = at.length > 0;
  const parts = found.map((segments) => {
    const text = `\`${dottedPath(segments)}\``;
    // "`tool_name`" alone would read as the missing field itself; say where it is.
    return nested && segments.length === 1 && segments[0] === key
      ? `${text} at the top level`
      : text;
  });
  return joinList(parts);
}

function joinList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1] ?? ''}`;
}

function aliasesOf(key: string): string[] {
  const out: string[] = [];
  for (const group of ALIAS_GROUPS) {
    if (!group.includes(key)) continue;
    const canonical = group[0];
    const related = key === canonical ? group.slice(1) : canonical === undefined ? [] : [canonical];
    for (const a of related) if (a !== key && !out.includes(a)) out.push(a);
  }
  return out;
}
