/** Sections of `--help`, in the order they are listed. */
export type HelpGroup =
  | 'Target'
  | 'Connection'
  | 'Auth'
  | 'Trigger'
  | 'Budgets'
  | 'Contract'
  | 'Output'
  | 'Scale'
  | 'Server';

/**
 * The type of a config-file field: a JSON string or boolean, `strings` a string or a list of strings,
 * `headers` an object of headers.
 */
export type JsonType = 'string' | 'boolean' | 'strings' | 'headers';

/** Headers as the config file gives them: a value, or the env var that holds it. */
export type ConfiguredHeaders = Readonly<Record<string, string | { readonly env: string }>>;

/** What the texts a parser takes look like: for the config file's JSON Schema and the library's values. */
export interface TextShape {
  /** The closed list of texts it takes. */
  readonly enum?: readonly string[];
  /** An ECMAScript pattern every text it takes matches; the parser stays the judge of the rest. */
  readonly pattern?: string;
  /** The library also takes the value as a number of milliseconds. */
  readonly milliseconds?: boolean;
}

/** Checks a value and converts it; `source` names where the value came from, for the error. */
export type OptionParser = ((text: string, source: string) => unknown) & {
  readonly shape?: TextShape;
};

/** A parser that declares the shape of the texts it takes. */
export function shaped<T>(
  parse: (text: string, source: string) => T,
  shape: TextShape,
): ((text: string, source: string) => T) & { readonly shape: TextShape } {
  return Object.assign((text: string, source: string) => parse(text, source), { shape });
}

interface RowBase {
  /** Its name in `RunFlags` (commander's attribute name of the flags) and in the config file. */
  readonly key: string;
  readonly parse?: OptionParser;
  /** The value when nothing gives one, written as a user would type it (run through `parse`). */
  readonly default?: string;
  /** An environment variable that gives it; set but empty counts as unset. */
  readonly env?: string;
  /** It may be set per environment in the config file, under `key`, with this JSON type. */
  readonly config?: JsonType;
  /** Its value is a secret: masked in every output from the start. */
  readonly secret?: boolean;
  /** Its value may be a file path; a relative one in the config file is relative to the file. */
  readonly file?: boolean;
}

/** An option given on the command line (and maybe by an env var or the config file too). */
export interface FlagOption extends RowBase {
  /** commander's flags, e.g. `-e, --env <name>`; an option without `<value>` is a switch. */
  readonly flags: string;
  readonly help: string;
  readonly group: HelpGroup;
  /** How `--help` describes the default when that is not a value (false: not shown). */
  readonly helpDefault?: string | false;
  /** May be given more than once; the values are collected in order. */
  readonly repeatable?: boolean;
}

/** A setting only the config file gives. */
export interface ConfigOnlyOption extends RowBase {
  readonly config: JsonType;
  /** What it sets, for the config file's JSON Schema. */
  readonly help?: string;
}

/** One row of the option table. */
export type OptionRow = FlagOption | ConfigOnlyOption;

// A value that may also come from an env var or the config file is kept as text until the winner
// is known, and parsed once, naming where it came from; a flag-only value is parsed as it is read.
type ParsedOnRead<R> = R extends { parse: OptionParser }
  ? R extends { env: string } | { config: JsonType }
    ? false
    : true
  : false;

/** The value of an option once parsed: what its parser returns, else its text. */
export type ParsedValue<R> = R extends { parse: (text: string, source: string) => infer T }
  ? T
  : string;

/** The value of one occurrence of an option's flag: parsed as it is read, or its text. */
type OneFlagValue<R> = ParsedOnRead<R> extends true ? ParsedValue<R> : string;

/** The value an option's flags give: a switch is boolean, a value its text or parsed value, a repeatable option the list of them. */
export type FlagValue<R> = R extends { flags: `${string}<${string}>` }
  ? R extends { repeatable: true }
    ? OneFlagValue<R>[]
    : OneFlagValue<R>
  : boolean;

/** The flags of a set of rows by key, each absent when not given. */
export type FlagsOf<R> = {
  [
    Row in Extract<R, { flags: string }> as Row extends { key: infer K extends string } ? K : never
  ]?: FlagValue<Row>;
};

/** The config-file fields of a set of rows by key, each with its JSON type. */
export type ConfigFieldsOf<R> = {
  [
    Row in Extract<R, { config: JsonType }> as Row extends { key: infer K extends string }
      ? K
      : never
  ]?: Row extends { config: 'boolean' }
    ? boolean
    : Row extends { config: 'strings' }
      ? string | string[]
      : Row extends { config: 'headers' }
        ? ConfiguredHeaders
        : string;
};

/** How a config-file field's JSON type is named in errors, e.g. `a string`. */
export function describeJsonType(type: JsonType): string {
  if (type === 'strings') return 'a string or a list of strings';
  if (type === 'headers') return 'an object of header names and values';
  return `a ${type}`;
}

/** True when a config-file value has the JSON type of its field (a header's own shape aside). */
export function hasJsonType(value: unknown, type: JsonType): boolean {
  if (type === 'headers') {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  }
  if (type !== 'strings') return typeof value === type;
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  );
}

/** True when commander parses the flag's value as it reads it (see `FlagValue`). */
export function parsedOnRead(row: OptionRow): boolean {
  return row.parse !== undefined && row.env === undefined && row.config === undefined;
}

/** The value of an option's env var in `env`; set but empty counts as unset. */
export function envValue(
  row: OptionRow,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  return (row.env !== undefined && env[row.env]) || undefined;
}

/** The long flag of an option, e.g. `--env`, which names it in messages. */
export function longFlag(row: FlagOption): string {
  return /--[a-z0-9-]+/.exec(row.flags)?.[0] ?? row.flags;
}

/** Every flag name of an option, e.g. `-e` and `--env`. */
export function flagNames(row: FlagOption): string[] {
  return row.flags.split(/[ ,]+/).filter((part) => part.startsWith('-'));
}

/** An option's help text as `--help` shows it, with whether it repeats and its default. */
export function helpText(row: FlagOption): string {
  const shown = row.helpDefault ?? row.default;
  const notes = [row.repeatable ? 'repeatable' : '', shown ? `default: ${shown}` : ''];
  return [row.help, ...notes.filter(Boolean).map((note) => `(${note})`)].join(' ');
}

/** `a, b or c`, for the help text of a closed list of values. */
export function oneOf(values: readonly string[]): string {
  return values.length < 2
    ? values.join('')
    : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
}
