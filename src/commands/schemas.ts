import type { CliIo } from '../cli.js';
import { ExitCode } from '../errors.js';
import { defaultSchemasDir, inspectSchemas } from '../schemas.js';

/** `ws-validate schemas`: compiles every schema and lists the message type each covers. */
export async function schemasCommand(flags: { schemas?: string }, io: CliIo): Promise<number> {
  const dir = flags.schemas ?? defaultSchemasDir();
  const entries = await inspectSchemas(dir);
  const width = Math.max(4, ...entries.map((e) => e.file.length));
  io.stdout.write(`schemas in ${dir}\n`);
  let broken = 0;
  for (const entry of entries) {
    if (entry.error !== undefined) {
      broken += 1;
      io.stdout.write(`  ✖ ${entry.file.padEnd(width)}  broken: ${entry.error}\n`);
    } else {
      io.stdout.write(
        `  ✔ ${entry.file.padEnd(width)}  ${entry.covers ?? '(shared definitions)'}\n`,
      );
    }
  }
  io.stdout.write(`${entries.length - broken} compiled, ${broken} broken\n`);
  return broken > 0 ? ExitCode.Usage : ExitCode.Pass;
}
