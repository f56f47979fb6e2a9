/** The value as a plain object, or null when it is not one (arrays included). */
export function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The string at `key` of an object, or null when absent, empty or not a string. */
export function readString(value: unknown, key: string): string | null {
  const field = asRecord(value)?.[key];
  return typeof field === 'string' && field !== '' ? field : null;
}

/** The `type` of a parsed frame, or null when it has none. */
export function readType(frame: unknown): string | null {
  return readString(frame, 'type');
}

/** True when two JSON values are structurally equal (key order ignored). */
export function areDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => areDeepEqual(item, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  if (keys.length !== Object.keys(right).length) return false;
  return keys.every((key) => Object.hasOwn(right, key) && areDeepEqual(left[key], right[key]));
}

/** The mark ws-validate leaves where it shortened a text. */
export const CUT_MARK = '…';

/**
 * Shortens text for display to at most `max` characters, marking the cut with an ellipsis, which is
 * how the redactor finds what a cut left of a secret.
 */
export function truncateText(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}${CUT_MARK}`;
}

/** JSON text of a value, or a placeholder when it cannot be serialised (nested too deeply for the stack). */
export function stringifySafely(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return NOT_PRINTABLE;
  }
}

/** What stands in for a value too deeply nested to print. */
export const NOT_PRINTABLE = '[not printable: nested too deeply]';

/** Joins a multi-line message into one line, for error output that stays one line per fact. */
export function flattenLines(text: string): string {
  return text.trim().replace(/\s*[\r\n]+\s*/g, ' ');
}
