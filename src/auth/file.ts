import { readFile } from 'node:fs/promises';
import { UsageError } from '../shared/errors.js';

/** Reads a token from a file, trimmed; an unreadable or empty file is a usage error. */
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
  const token = contents.trim();
  if (token.length === 0) {
    throw new UsageError('TOKEN_FILE_UNREADABLE', `The token file ${path} is empty.`, {
      hint: 'Write the token into the file, or pass it another way.',
    });
  }
  return token;
}
