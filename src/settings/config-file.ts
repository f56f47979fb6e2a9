import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseConfigFile, type ConfigFile } from './environments.js';
import { UsageError } from '../shared/errors.js';

/** Default config file name, looked up in the working directory. */
export const CONFIG_FILE_NAME = 'ws-validate.config.json';

/** Reads the config file given by --config, or ./ws-validate.config.json when present. */
export async function loadConfig(
  explicitPath: string | undefined,
  cwd: string,
): Promise<ConfigFile | null> {
  const path = resolve(cwd, explicitPath ?? CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (explicitPath === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT')
      return null;
    throw new UsageError('CONFIG_UNREADABLE', `cannot read config file ${path}`, {
      hint:
        (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'check the --config path' : undefined,
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(
      'CONFIG_INVALID',
      `${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseConfigFile(path, json);
}
