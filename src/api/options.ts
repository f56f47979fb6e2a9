import { UsageError } from '../shared/errors.js';
import { OPTIONS, type RunFlags } from '../settings/options.js';
import { parsedOnRead, type FlagOption, type ParsedValue } from '../settings/option-row.js';

type Row = (typeof OPTIONS)[number];
// The switches of the Output group only shape what the command line prints: the library prints nothing.
type TerminalSwitch<R> = R extends { group: 'Output'; flags: string }
  ? R extends { flags: `${string}<${string}>` }
    ? never
    : R
  : never;
type LibraryRow = Exclude<Extract<Row, { flags: string }>, TerminalSwitch<Row>>;

/**
 * The value the library takes for an option: a switch is a boolean; a value is the command line's
 * text, or the parsed value where that is a number (a duration in milliseconds, a count, a rate)
 * or a closed list of names; a repeatable option takes a list of texts.
 */
export type LibraryValue<R> = R extends { flags: `${string}<${string}>` }
  ? R extends { repeatable: true }
    ? string[]
    : ParsedValue<R> extends number
      ? string | number
      : ParsedValue<R>
  : boolean;

/** The run options of the library: the command line's long options in camelCase, from the option table. */
export type RunOptions = {
  [R in LibraryRow as R['key']]?: LibraryValue<R>;
};

/** The rows of the option table that the library takes, in the table's order. */
export const LIBRARY_OPTIONS: readonly FlagOption[] = (OPTIONS as readonly FlagOption[]).filter(
  (row) => 'flags' in row && !(row.group === 'Output' && !row.flags.includes('<')),
);

/** The keys of `RunOptions` that a subcommand's options stand for, e.g. those of `check`. */
export function libraryKeys(keys: readonly string[]): string[] {
  return LIBRARY_OPTIONS.filter((row) => keys.includes(row.key)).map((row) => row.key);
}

/**
 * Turns library options into the flags the command line would have given: each value checked and,
 * where the command line parses as it reads, parsed; an unknown name or a wrong type is a usage error.
 */
export function toRunFlags(
  options: Readonly<Record<string, unknown>>,
  allowed: readonly string[] = LIBRARY_OPTIONS.map((row) => row.key),
): RunFlags {
  const flags: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    const row = LIBRARY_OPTIONS.find((r) => r.key === key);
    if (row === undefined || !allowed.includes(key)) throw unknownOption(key, allowed);
    flags[key] = readValue(row, value);
  }
  return flags;
}

function readValue(row: FlagOption, value: unknown): unknown {
  if (!row.flags.includes('<')) {
    if (typeof value !== 'boolean') throw wrongType(row.key, 'true or false', value);
    return value;
  }
  const read = (text: string): unknown =>
    row.parse && parsedOnRead(row) ? row.parse(text, row.key) : text;
  if (row.repeatable) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw wrongType(row.key, 'a list of strings', value);
    }
    return value.map(read);
  }
  if (typeof value === 'number' && row.parse !== undefined) {
    return read(row.parse.shape?.milliseconds ? `${value}ms` : String(value));
  }
  if (typeof value !== 'string') throw wrongType(row.key, 'a string', value);
  return read(value);
}

function unknownOption(key: string, allowed: readonly string[]): UsageError {
  const near = allowed.find(
    (name) => name.toLowerCase() === key.toLowerCase().replace(/[-_]/g, ''),
  );
  return new UsageError('UNKNOWN_OPTION', `unknown option "${key}"`, {
    hint: near === undefined ? `options: ${allowed.join(', ')}` : `did you mean "${near}"?`,
  });
}

function wrongType(key: string, expected: string, value: unknown): UsageError {
  const given = Array.isArray(value) ? 'a list' : typeof value;
  return new UsageError('BAD_OPTION', `option "${key}" must be ${expected}, not ${given}`, {
    hint: 'options take the command line values: "30s" or 30000 for durations, true for switches',
  });
}
