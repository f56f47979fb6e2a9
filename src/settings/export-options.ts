import type { FlagOption, FlagsOf } from './option-row.js';
import { parseWsUrl } from './parse.js';

/** The options of `ws-validate export asyncapi`, each declared once. */
export const EXPORT_OPTIONS = [
  {
    key: 'profile',
    flags: '--profile <name|dir>',
    help: 'the profile to describe: a built-in name or a profile folder',
    group: 'Contract',
    helpDefault: 'canonical',
  },
  {
    key: 'output',
    flags: '-o, --output <file>',
    help: 'write the document to a file: JSON when it ends in .json, else YAML',
    group: 'Output',
    helpDefault: 'YAML on stdout',
  },
  {
    key: 'url',
    flags: '-u, --url <ws-url>',
    help: "the agent's WebSocket URL, for the document's server and channel address (its query and credentials are left out)",
    group: 'Target',
    parse: parseWsUrl,
  },
] as const satisfies readonly FlagOption[];

/** The flags of `export asyncapi`, as commander gives them. */
export type ExportFlags = FlagsOf<(typeof EXPORT_OPTIONS)[number]>;
