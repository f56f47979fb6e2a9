import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import type { SchemasFlags } from '../../settings/subcommand-options.js';
import { ExitCode, UsageError } from '../../shared/errors.js';
import { flagProfileChoices } from '../../settings/resolve.js';
import {
  readProfileSpec,
  selectProfilesOrDefault,
  type ProfileRef,
} from '../../contract/profiles.js';
import { builtInProfileDir, inspectSchemas } from '../../contract/schemas.js';

/** `ws-validate schemas`: compiles every schema of each selected profile and lists the message type each covers; exit 2 when any is broken. */
export async function schemasCommand(flags: SchemasFlags, io: CliIo): Promise<number> {
  const refs = selectProfilesOrDefault(flagProfileChoices(flags.profile, io.cwd));
  let broken = 0;
  for (const [index, ref] of refs.entries()) {
    // --schemas stands in for the first profile's own schemas, as in a run.
    const replaced = index === 0 && flags.schemas !== undefined;
    broken += await listProfile(ref, replaced ? resolve(io.cwd, flags.schemas ?? '') : null, {
      io,
      named: refs.length > 1,
    });
  }
  return broken > 0 ? ExitCode.Usage : ExitCode.Pass;
}

/** Lists one profile's schema files; returns how many are broken. */
async function listProfile(
  ref: ProfileRef,
  schemasDir: string | null,
  options: { io: CliIo; named: boolean },
): Promise<number> {
  const { io } = options;
  const profileDir = ref.kind === 'built-in' ? builtInProfileDir(ref.name) : ref.dir;
  const spec = await readProfileSpec(profileDir);
  const dir = schemasDir ?? profileDir;
  const entries = await inspectSchemas(dir, { typeField: spec.typeField });
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
  io.stdout.write(`schemas in ${dir}${options.named ? ` (profile ${spec.name})` : ''}\n`);
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
      const role = spec.required.includes(entry.covers) ? 'required event' : 'other message type';
      io.stdout.write(`  ✔ ${file}  ${entry.covers.padEnd(typeWidth)}  ${role}\n`);
    }
  }
  const covered = new Set(entries.map((e) => e.covers));
  const uncovered = spec.required.filter((type) => !covered.has(type));
  if (uncovered.length > 0) {
    io.stdout.write(`required events without a schema: ${uncovered.join(', ')}\n`);
  }
  io.stdout.write(`${entries.length - broken} compiled, ${broken} broken\n`);
  return broken;
}
