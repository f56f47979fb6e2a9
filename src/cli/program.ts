import { Command, Option } from 'commander';
import { UsageError } from '../shared/errors.js';
import { flattenLines } from '../shared/fields.js';
import { readVersion } from '../shared/package.js';
import { type CliIo } from './io.js';
import {
  CONFIG_FILE_NAME,
  pickOptions,
  RUN_OPTIONS,
  STARTER_ENV_NAME,
} from '../settings/options.js';
import {
  helpText,
  longFlag,
  oneOf,
  parsedOnRead,
  type FlagOption,
} from '../settings/option-row.js';
import { AUTH_PLACEMENTS } from '../settings/parse.js';
import type { InitFlags } from './commands/init.js';
import {
  CHECK_OPTIONS,
  ENVS_OPTIONS,
  PROFILES_OPTIONS,
  SCHEMAS_OPTIONS,
  type CheckFlags,
  type EnvsFlags,
  type ProfilesFlags,
  type SchemasFlags,
} from '../settings/subcommand-options.js';
import { createRedactor } from '../shared/redact.js';
import { scenariosOf, SERVER_PROTOCOLS } from '../server/scenarios.js';
import { SERVE_OPTIONS, type ServeFlags } from '../settings/serve-options.js';
import { EXPORT_OPTIONS, type ExportFlags } from '../settings/export-options.js';

function addOptions(command: Command, rows: readonly FlagOption[]): Command {
  for (const row of rows) {
    const option = new Option(row.flags, helpText(row)).helpGroup(row.group);
    const { parse } = row;
    const read =
      parse && parsedOnRead(row)
        ? (value: string): unknown => parse(value, longFlag(row))
        : (value: string): unknown => value;
    if (row.repeatable) {
      option.argParser((value: string, previous: unknown[] = []) => [...previous, read(value)]);
    } else if (parse && parsedOnRead(row)) {
      option.argParser(read);
    }
    command.addOption(option);
  }
  return command;
}

/** The options of a command and of the commands above it; a value given wins over any default. */
export function mergedOptions(command: Command): Record<string, unknown> {
  const chain: Command[] = [];
  for (let c: Command | null = command; c !== null; c = c.parent) chain.unshift(c);
  const merged: Record<string, unknown> = {};
  for (const c of chain) {
    for (const [key, value] of Object.entries(c.opts())) {
      if (!(key in merged) || c.getOptionValueSource(key) !== 'default') merged[key] = value;
    }
  }
  return merged;
}

/** Builds the commander program: the run options, the subcommands, and where each one's action leads. */
export function buildProgram(
  io: CliIo,
  result: { code: number },
  redact: (text: string) => string = createRedactor([]),
  argv: readonly string[] = [],
): Command {
  const program = new Command('ws-validate');
  program
    .description(
      "Check that an AI agent's real-time WebSocket event stream honours its contract.\n" +
        'Connects, triggers a DataHelper run, validates every frame, and exits with a code CI acts on.',
    )
    .version(readVersion(), '-V, --version')
    .exitOverride()
    // Options after a subcommand belong to it: `check --json`, `schemas --schemas`, `envs --config`.
    .enablePositionalOptions()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      // One line (commander puts its suggestion on a second one), with secrets masked.
      outputError: (text, write) => write(`${redact(flattenLines(text))}\n`),
    })
    .showSuggestionAfterError(true)
    .addHelpText('after', EXIT_CODE_HELP);

  // Options may stand before `run` as well as after it: take the program's and the command's.
  const runAction = async (_flags: unknown, command: Command): Promise<void> => {
    // The program takes no operand: a word left over is a command that does not exist.
    const [word] = command === program ? command.args : [];
    if (word !== undefined) throw unknownCommand(word, program);
    const { runCommand } = await import('./commands/run.js');
    result.code = await runCommand(mergedOptions(command), io);
  };
  addOptions(program, RUN_OPTIONS).action(runAction);
  const run = program
    .command('run')
    .description('validate one environment (the default command)')
    .addHelpText('after', EXIT_CODE_HELP)
    .action(runAction);
  // The same options again only when `run` may be the command used: building them costs start-up time.
  if (argv.includes('run')) addOptions(run, RUN_OPTIONS);

  addOptions(
    program
      .command('serve')
      .description('run the reference agent server (the embedded default) with a fault scenario')
      .addHelpText('after', () => scenarioHelp()),
    SERVE_OPTIONS,
  ).action(async (flags: ServeFlags) => {
    const { serveCommand } = await import('./commands/serve.js');
    result.code = await serveCommand(flags, io);
  });

  addOptions(
    program
      .command('check')
      .description('re-judge a recording (--record) or a plain NDJSON file of received frames')
      .argument('<file>', 'the .ndjson file, or - for standard input'),
    pickOptions(...CHECK_OPTIONS),
  ).action(async (file: string, flags: CheckFlags) => {
    const { checkCommand } = await import('./commands/check.js');
    result.code = await checkCommand(file, flags, io);
  });

  addOptions(
    program.command('schemas').description('compile every schema and list which event each covers'),
    pickOptions(...SCHEMAS_OPTIONS),
  ).action(async (flags: SchemasFlags) => {
    const { schemasCommand } = await import('./commands/schemas.js');
    result.code = await schemasCommand(flags, io);
  });

  program
    .command('init')
    .description(`write a starter ${CONFIG_FILE_NAME} for your endpoint`)
    .requiredOption('--url <ws-url>', 'WebSocket URL of the endpoint')
    .option('--auth <placement>', `where the token goes: ${oneOf(AUTH_PLACEMENTS)}`)
    .option('--token-env <NAME>', 'name of the env var that will hold the token')
    .option('--name <env>', 'name of the environment, also the default one', STARTER_ENV_NAME)
    .action(async (flags: InitFlags) => {
      const { initCommand } = await import('./commands/init.js');
      result.code = await initCommand(flags, io);
    });

  const profiles = addOptions(
    program.command('profiles').description('list the built-in and configured contract profiles'),
    pickOptions(...PROFILES_OPTIONS),
  ).action(async (flags: ProfilesFlags) => {
    const { profilesCommand } = await import('./commands/profiles.js');
    result.code = await profilesCommand(flags, io);
  });
  addOptions(
    profiles
      .command('show')
      .description('print one profile with every default filled in (a name or a folder)')
      .argument('<profile>', 'a profile name or folder'),
    pickOptions(...PROFILES_OPTIONS),
  ).action(async (name: string, _flags: ProfilesFlags, command: Command) => {
    const { showProfileCommand } = await import('./commands/profiles.js');
    result.code = await showProfileCommand(name, mergedOptions(command), io);
  });

  const exporter = program
    .command('export')
    .description('write the contract of a profile in another format (asyncapi)')
    .action(() => {
      throw new UsageError('EXPORT_NEEDS_FORMAT', 'export needs the format to write', {
        hint: 'ws-validate export asyncapi [--profile name] [-o file]',
      });
    });
  addOptions(
    exporter
      .command('asyncapi')
      .description(
        'an AsyncAPI 3.0 document of a profile: YAML on stdout, JSON when --output ends in .json',
      ),
    EXPORT_OPTIONS,
  ).action(async (flags: ExportFlags) => {
    const { exportAsyncApiCommand } = await import('./commands/export.js');
    result.code = await exportAsyncApiCommand(flags, io);
  });

  addOptions(
    program
      .command('envs')
      .description('list the known environments (built-in and from the config file)'),
    pickOptions(...ENVS_OPTIONS),
  ).action(async (flags: EnvsFlags) => {
    const { envsCommand } = await import('./commands/envs.js');
    result.code = await envsCommand(flags, io);
  });

  // Set last, so that no subcommand inherits it: the run action itself reports a stray word.
  program.allowExcessArguments(true);
  return program;
}

/** The error for a word in the command's place that names no command, with the nearest one. */
function unknownCommand(word: string, program: Command): UsageError {
  const names = program.commands.map((c) => c.name());
  const nearest = names
    .map((name) => ({ name, distance: editDistance(word, name) }))
    .filter(({ name, distance }) => distance <= Math.max(1, Math.floor(name.length / 3)))
    .sort((a, b) => a.distance - b.distance)[0];
  const suggestion = nearest === undefined ? '' : ` (did you mean ${nearest.name}?)`;
  return new UsageError('UNKNOWN_COMMAND', `unknown command "${word}"${suggestion}`, {
    hint: `the commands are ${names.join(', ')}; run ws-validate --help for usage`,
  });
}

// Edits (insert, delete, replace, swap two neighbours) that turn one word into the other.
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      }
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

function scenarioHelp(): string {
  const sections = SERVER_PROTOCOLS.map((protocol) => {
    const scenarios = scenariosOf(protocol);
    const width = Math.max(...scenarios.map((s) => s.name.length));
    const rows = scenarios.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`);
    return `\nScenarios of --protocol ${protocol} (also per connection: ?scenario=NAME on the URL):\n${rows.join('\n')}\n`;
  });
  return sections.join('');
}

const EXIT_CODE_HELP = `
Exit codes:
  0    every required event passed and every rule held
  1    contract failed (schema, rule, missing event, non-JSON frame, error event)
  2    usage or configuration error
  3    connection failure before a verdict (refused, DNS, TLS, dropped, 1011, going away, frame too large)
  4    authentication rejected
  5    timed out after the run started, with no violation seen
  70   internal error
  130  interrupted
`;
