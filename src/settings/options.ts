import {
  longFlag,
  type ConfigFieldsOf,
  type FlagOption,
  type FlagsOf,
  type OptionRow,
  type ParsedValue,
} from './option-row.js';
import { AUTH_ROWS } from './options-auth.js';
import { CONNECTION_ROWS } from './options-connection.js';
import { OUTPUT_ROWS } from './options-output.js';
import { RUN_ROWS } from './options-run.js';
import { TARGET_ROWS } from './options-target.js';

export { CONFIG_FILE_NAME } from './options-target.js';

/** The environment `ws-validate init` writes when no --name is given. */
export const STARTER_ENV_NAME = 'dev';

/**
 * Every option of a run, each declared once: commander's options, the config-file fields, the env
 * vars, the secrets, the defaults and `RunFlags` are derived from it; its order is that of `--help`.
 * The rows are kept by group in options-*.ts.
 */
export const OPTIONS = [
  ...TARGET_ROWS,
  ...CONNECTION_ROWS,
  ...AUTH_ROWS,
  ...RUN_ROWS,
  ...OUTPUT_ROWS,
] as const satisfies readonly OptionRow[];

type Row = (typeof OPTIONS)[number];
type RowOf<K extends OptionKey> = Extract<Row, { key: K }>;

/** The name of an option, in `RunFlags` and in the config file. */
export type OptionKey = Row['key'];
/** The name of an option given by flags. */
export type FlagKey = Extract<Row, { flags: string }>['key'];
/** The value of an option once parsed. */
export type OptionValue<K extends OptionKey> = ParsedValue<RowOf<K>>;
/** Options as given on the command line; absent when not given. */
export type RunFlags = FlagsOf<Row>;
/** The fields an environment may set in the config file; absent when not set. */
export type ConfigFields = ConfigFieldsOf<Row>;

/** The options given by flags, in `--help` order. */
export const RUN_OPTIONS: readonly FlagOption[] = OPTIONS.filter((row) => 'flags' in row);

/** The row of an option. */
export function optionOf<K extends OptionKey>(key: K): RowOf<K> {
  const row: OptionRow | undefined = OPTIONS.find((o) => o.key === key);
  if (row === undefined) throw new Error(`no option ${key}`);
  return row as RowOf<K>;
}

/** The name of an option that has a default. */
export type DefaultedKey = Extract<Row, { default: string }>['key'];

/** The default of an option, parsed. */
export function defaultOf<K extends DefaultedKey>(key: K): OptionValue<K> {
  const row: OptionRow = optionOf(key);
  const text = row.default as string;
  const parsed = row.parse && 'flags' in row ? row.parse(text, longFlag(row)) : text;
  return parsed as OptionValue<K>;
}

/** The run options with these keys, for the subcommands that share them. */
export function pickOptions(...keys: readonly FlagKey[]): FlagOption[] {
  return keys.map((key) => optionOf(key));
}
