import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import type { SchemasFlags } from '../../settings/subcommand-options.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { readProfileSpec } from '../../contract/profiles.js';
import { defaultSchemasDir, inspectSchemas } from '../../contract/schemas.js';

/** `ws-validate schemas`: compiles every schema and lists the message type each covers; exit 2 when any is broken. */
export async function schemasCommand(flags: SchemasFlags, io: CliIo): Promise<number> {
  const dir = flags.schemas === undefined ? defaultSchemasDir() : resolve(io.cwd, flags.schemas);
  const { required } = await readProfileSpec(defaultSchemasDir());
  const entries = await inspectSchemas(dir);
  if (entries.length === 0) {
    throw new UsageError(
      'SCHEMAS_DIR_EMPTY',
      `Schema directory ${dir} has no *.schema.json files`,
      {
        hint: 'Point --schemas at a directory holding one <type>.schema.json per message type.',
      },
    );
  }
  const fileWidth = Math.max(...entries.map((e) => e.file.length));
  const typeWidth = Math.max(...entries.map((e) => (e.covers ?? '').length));
  io.stdout.write(`schemas in ${dir}\n`);
  let broken = 0;
  for (const entry of entries) {
    const file = entry.file.padEnd(fileWidth);
    if (entry.error !== undefined) {
      broken += 1;
      io.stdout.write(`  ✖ ${file}  broken: ${entry.error}\n`);
    } else if (entry.covers === null) {
      io.stdout.write(`  ✔ ${file}  (shared definitions)\n`);
    } else {
      // Required events decide the verdict; other covered types are only validated when they arrive.
      const role = required.includes(entry.covers) ? 'required event' : 'other message type';
      io.stdout.write(`  ✔ ${file}  ${entry.covers.padEnd(typeWidth)}  ${role}\n`);
    }
  }
  const covered = new Set(entries.map((e) => e.covers));
  const uncovered = required.filter((type) => !covered.has(type));
  if (uncovered.length > 0) {
    io.stdout.write(`required events without a schema: ${uncovered.join(', ')}\n`);
  }
  io.stdout.write(`${entries.length - broken} compiled, ${broken} broken\n`);
  return broken > 0 ? ExitCode.Usage : ExitCode.Pass;
}
