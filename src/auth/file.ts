import { readFile } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';

/** Reads a token file as it is (the caller trims it); an unreadable or blank file is a usage error. */
export async function readTokenFile(path: string): Promise<string> {
  let contents: string;
  try {
    contents = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new UsageError('TOKEN_FILE_UNREADABLE', `Cannot read the token file ${path} (${code}).`, {
      hint: 'Check the path and its permissions.',
      cause: error,
    });
  }
  if (contents.trim().length === 0) {
    throw new UsageError('TOKEN_FILE_UNREADABLE', `The token file ${path} is empty.`, {
      hint: 'Write the token into the file, or pass it another way.',
    });
  }
  return contents;
}
