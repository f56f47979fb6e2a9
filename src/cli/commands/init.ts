import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { CONFIG_FILE_NAME, STARTER_ENV_NAME } from '../../settings/options.js';
import { starterConfig } from '../../settings/starter-config.js';
import { UsageError } from '../../shared/errors.js';

/** The flags of `ws-validate init`. */
export interface InitFlags {
  url: string;
  auth?: string;
  tokenEnv?: string;
  name?: string;
}

/** `ws-validate init`: writes a starter config file, never over an existing one, and says what to run next. */
export async function initCommand(flags: InitFlags, io: CliIo): Promise<number> {
  const text = starterConfig(flags);
  const path = resolve(io.cwd, CONFIG_FILE_NAME);
  try {
    // `wx` fails when the file exists, so no other writer can slip in between a check and the write.
    await writeFile(path, text, { flag: 'wx' });
  } catch (error) {
    const exists = (error as NodeJS.ErrnoException).code === 'EEXIST';
    throw new UsageError(
      exists ? 'CONFIG_EXISTS' : 'CONFIG_UNWRITABLE',
      exists ? `${path} already exists; nothing was changed` : `cannot write ${path}`,
      {
        hint: exists ? 'edit it, or move it away to start again' : (error as Error).message,
        cause: error,
      },
    );
  }
  const name = flags.name ?? STARTER_ENV_NAME;
  io.stdout.write(`wrote ${path} (environment "${name}", the default)\n`);
  const token = flags.tokenEnv === undefined ? '' : `with $${flags.tokenEnv} set, `;
  io.stdout.write(`next: ${token}run  ws-validate --env ${name}\n`);
  return 0;
}
