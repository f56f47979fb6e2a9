import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { UsageError } from '../shared/errors.js';

/** How the name of a schema file ends: `<type>.schema.json`. */
export const SCHEMA_SUFFIX = '.schema.json';

/** The subfolder of shared definitions that schemas reach by `$ref`; its files cover no type. */
export const DEFS_DIR = 'defs';

/** One schema file as read: its text and parsed schema, or why it cannot be used. */
export interface ParsedFile {
  file: string;
  text?: string;
  schema?: AnySchemaObject;
  error?: string;
}

/**
 * Reads and parses every `*.schema.json` in `dir`, sorted by name, then those of its `defs/`
 * subfolder (named `defs/<file>`); throws UsageError only when `dir` cannot be listed.
 */
export async function readSchemaFiles(dir: string): Promise<ParsedFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'is not a directory' : 'does not exist';
    throw new UsageError('SCHEMAS_DIR_MISSING', `Schema directory ${dir} ${reason}`, {
      hint: 'Check the schema directory path; relative paths resolve from the current directory.',
      cause: err,
    });
  }
  const defs = await readdir(join(dir, DEFS_DIR)).catch(() => [] as string[]);
  const fileNames = [
    ...names.filter((n) => n.endsWith(SCHEMA_SUFFIX)).sort(),
    ...defs
      .filter((n) => n.endsWith(SCHEMA_SUFFIX))
      .sort()
      .map((n) => `${DEFS_DIR}/${n}`),
  ];

  return Promise.all(
    fileNames.map(async (file): Promise<ParsedFile> => {
      let text: string;
      try {
        text = await readFile(join(dir, file), 'utf8');
      } catch (err) {
        return { file, error: `cannot be read: ${(err as Error).message}` };
      }
      try {
        const schema: unknown = JSON.parse(text);
        if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
          return { file, error: 'not a JSON Schema: the file must hold a JSON object' };
        }
        return { file, text, schema: schema as AnySchemaObject };
      } catch (err) {
        return { file, error: `not valid JSON: ${describeParseError(err, text)}` };
      }
    }),
  );
}

/** A JSON parse error on one line, with the line and column of its position, alike on every Node. */
export function describeParseError(err: unknown, text: string): string {
  // V8 quotes the offending text, newlines included; the error must stay on one line. Newer V8
  // adds its own "(line 3 column 3)"; ours replaces it so that every Node says the same.
  const message = (err instanceof Error ? err.message : String(err))
    .replace(/\s+/g, ' ')
    .replace(/ \(line \d+ column \d+\)/, '');
  const match = /at position (\d+)/.exec(message);
  if (match?.[1] === undefined) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return `${message} (line ${line}, column ${column})`;
}
