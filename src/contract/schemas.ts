import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import type { AnySchemaObject, Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import { formatContractErrors } from './schema-errors.js';
import { UsageError } from '../shared/errors.js';
import { packageRoot } from '../shared/package.js';
import type { FrameCheck, FrameChecker } from './types.js';

/** The contract schemas of one directory, compiled once and ready to check frames. */
export interface LoadedSchemas extends FrameChecker {
  /** Absolute path of the directory the schemas were read from. */
  readonly dir: string;
  /** Message type -> file name of the schema that covers it, e.g. `agent_started.schema.json`. */
  readonly covers: Record<string, string>;
}

/** The status of one schema file, as `ws-validate schemas` lists it. */
export interface SchemaFileStatus {
  file: string;
  /** The message type the schema covers; null for shared definitions (the envelope) and broken files. */
  covers: string | null;
  /** Why the file cannot be used; absent when it compiled. */
  error?: string;
}

const SCHEMA_SUFFIX = '.schema.json';

const HINT =
  'Fix or remove the file, or point ws-validate at another schema directory; `ws-validate schemas` lists every file with its status.';

/** A compiled validator: ajv's, or one precompiled at build time (same shape, no `.schema`). */
type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

interface CompiledFile {
  file: string;
  covers: string | null;
  validate?: Validator;
  schema?: AnySchemaObject;
  error?: string;
  /** Which step failed; the earliest step names the root cause when files depend on each other. */
  stage?: number;
}

/** The `schemas/` directory shipped with ws-validate, located from this module rather than the working directory. */
export function defaultSchemasDir(): string {
  return join(packageRoot(), 'schemas');
}

/** Reads, compiles and indexes every `*.schema.json` in `dir`; throws UsageError naming the first broken file. */
export async function loadSchemas(dir: string): Promise<LoadedSchemas> {
  const absDir = resolve(dir);
  if (absDir === defaultSchemasDir()) {
    const precompiled = await loadPrecompiled(absDir, PRECOMPILED_MODULE);
    if (precompiled !== null) return precompiled;
  }
  const { results: files } = await compileDir(absDir);
  const broken = files
    .filter((f) => f.error !== undefined)
    .sort((a, b) => (a.stage ?? 0) - (b.stage ?? 0))[0];
  if (broken !== undefined) {
    throw new UsageError(
      'SCHEMA_INVALID',
      `Schema file ${join(absDir, broken.file)} is invalid: ${broken.error ?? 'unknown reason'}`,
      { hint: HINT },
    );
  }
  if (files.length === 0) {
    throw new UsageError(
      'SCHEMAS_DIR_EMPTY',
      `Schema directory ${absDir} has no *${SCHEMA_SUFFIX} files`,
      {
        hint: 'Point ws-validate at a directory holding one <type>.schema.json per message type.',
      },
    );
  }

  return createChecker(absDir, files);
}

function createChecker(absDir: string, files: readonly CompiledFile[]): LoadedSchemas {
  const validators = new Map<string, Validator>();
  const schemas = new Map<string, AnySchemaObject | undefined>();
  const covers: Record<string, string> = {};
  for (const f of files) {
    if (f.covers === null || f.validate === undefined) continue;
    validators.set(f.covers, f.validate);
    schemas.set(f.covers, f.schema);
    covers[f.covers] = f.file;
  }
  const schemaNames = Object.freeze([...validators.keys()]);

  return {
    dir: absDir,
    covers,
    schemaNames,
    check(frame: unknown): FrameCheck {
      // Per-frame hot path: a type lookup and one validator call; formatting only on failure.
      if (typeof frame !== 'object' || frame === null) return { schema: null, errors: [] };
      const type = (frame as { type?: unknown }).type;
      if (typeof type !== 'string') return { schema: null, errors: [] };
      const validate = validators.get(type);
      if (validate === undefined) return { schema: null, errors: [] };
      if (validate(frame)) return { schema: type, errors: [] };
      return {
        schema: type,
        errors: formatContractErrors(validate.errors ?? [], frame, schemas.get(type)),
      };
    },
  };
}

/** Lists every `*.schema.json` in `dir` with the type it covers or why it is broken; throws only when `dir` cannot be read. */
export async function inspectSchemas(dir: string): Promise<SchemaFileStatus[]> {
  const { results: files } = await compileDir(resolve(dir));
  return files.map((f) =>
    f.error === undefined
      ? { file: f.file, covers: f.covers }
      : { file: f.file, covers: null, error: f.error },
  );
}

interface ParsedFile {
  file: string;
  text?: string;
  schema?: AnySchemaObject;
  error?: string;
}

async function readSchemaFiles(dir: string): Promise<ParsedFile[]> {
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
  const fileNames = names.filter((n) => n.endsWith(SCHEMA_SUFFIX)).sort();

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

// One instance for every file, so `$ref`s between files resolve and each schema compiles once.
// ajv is loaded only here: a run with the bundled, precompiled schemas never needs it.
async function createAjv(source: boolean): Promise<Ajv2020> {
  // CommonJS modules: `default` is their module.exports, both under Node's loader and bundled.
  const [{ default: ajvModule }, { default: addFormatsModule }] = await Promise.all([
    import('ajv/dist/2020.js'),
    import('ajv-formats'),
  ]);
  const ajv = new ajvModule.Ajv2020({
    allErrors: true,
    strict: true,
    // Union types and loose typing are legitimate in user-written contracts; unknown keywords are not.
    strictTypes: false,
    strictTuples: false,
    allowUnionTypes: true,
    // Gives errors their schema, which the error messages describe ("a non-empty string").
    verbose: true,
    // The CLI's stdout carries only the report.
    logger: false,
    ...(source ? { code: { source: true } } : {}),
  });
  addFormatsModule.default(ajv);
  return ajv;
}

async function compileDir(
  dir: string,
  options: { source?: boolean } = {},
): Promise<{ ajv: Ajv2020; parsed: ParsedFile[]; results: CompiledFile[] }> {
  const parsed = await readSchemaFiles(dir);
  const ajv = await createAjv(options.source ?? false);
  const results: CompiledFile[] = parsed.map((p) =>
    p.error === undefined
      ? { file: p.file, covers: null }
      : { file: p.file, covers: null, error: p.error, stage: 1 },
  );
  parsed.forEach((p, i) => {
    const result = results[i];
    if (p.schema === undefined || result === undefined) return;
    try {
      // Files without `$id` are keyed by file name so that relative `$ref`s between them still resolve.
      if (typeof p.schema.$id === 'string') ajv.addSchema(p.schema);
      else ajv.addSchema(p.schema, p.file);
    } catch (err) {
      Object.assign(result, { error: (err as Error).message, stage: 2 });
    }
  });

  const referenced = referencedBases(parsed);
  const coveredBy = new Map<string, string>();
  parsed.forEach((p, i) => {
    const result = results[i];
    if (p.schema === undefined || result === undefined || result.error !== undefined) return;
    try {
      result.validate = ajv.compile(p.schema);
      result.schema = p.schema;
    } catch (err) {
      Object.assign(result, { error: (err as Error).message, stage: 3 });
      return;
    }
    const type = coveredType(p.file, p.schema, referenced);
    if (type === null) return;
    const other = coveredBy.get(type);
    if (other !== undefined) {
      Object.assign(result, {
        error: `covers type "${type}", which ${other} already covers`,
        stage: 3,
        validate: undefined,
      });
      return;
    }
    coveredBy.set(type, p.file);
    result.covers = type;
  });
  return { ajv, parsed, results };
}

// The type a schema validates: its `properties.type.const`, else the name in `<type>.schema.json`,
// except for shared definitions that other files `$ref` (the envelope), which cover no type.
function coveredType(
  file: string,
  schema: AnySchemaObject,
  referenced: Set<string>,
): string | null {
  const typeSchema: unknown = (schema.properties as Record<string, unknown> | undefined)?.type;
  if (typeof typeSchema === 'object' && typeSchema !== null) {
    const value: unknown = (typeSchema as { const?: unknown }).const;
    if (typeof value === 'string') return value;
  }
  if (referenced.has(baseOf(file, schema))) return null;
  const name = file.slice(0, -SCHEMA_SUFFIX.length);
  return name === 'envelope' ? null : name;
}

function baseOf(file: string, schema: AnySchemaObject): string {
  const id = typeof schema.$id === 'string' ? schema.$id : file;
  try {
    const url = new URL(id, 'file:///schemas/');
    url.hash = '';
    return url.href;
  } catch {
    return id;
  }
}

function referencedBases(
  parsed: readonly { file: string; schema?: AnySchemaObject }[],
): Set<string> {
  const out = new Set<string>();
  for (const p of parsed) {
    if (p.schema === undefined) continue;
    const base = baseOf(p.file, p.schema);
    for (const ref of collectRefs(p.schema)) {
      try {
        const url = new URL(ref, base);
        url.hash = '';
        if (url.href !== base) out.add(url.href);
      } catch {
        // A malformed $ref is ajv's to report when it compiles the schema.
      }
    }
  }
  return out;
}

function collectRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, out);
  } else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else collectRefs(value, out);
    }
  }
  return out;
}

function describeParseError(err: unknown, text: string): string {
  // V8 quotes the offending text, newlines included; the error must stay on one line.
  const message = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ');
  const match = /at position (\d+)/.exec(message);
  if (match?.[1] === undefined || /line \d+/.test(message)) return message;
  const position = Number(match[1]);
  const before = text.slice(0, position).split('\n');
  const line = before.length;
  const column = (before[before.length - 1]?.length ?? 0) + 1;
  return `${message} (line ${line}, column ${column})`;
}

/** Where the build writes the bundled schemas, precompiled (see `generateContractModule`). */
const PRECOMPILED_MODULE = './contract.cjs';

/** The shape of a precompiled contract module. */
interface PrecompiledContract {
  fingerprint: string;
  /** Message type -> export name of its validator and the schema file. */
  covers: Record<string, { export: string; file: string }>;
  [exportName: string]: unknown;
}

/** A digest of every schema file's name and text, so a precompiled module is used only while it matches. */
export function fingerprintSchemas(files: readonly { file: string; text?: string }[]): string {
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.file}\0${f.text ?? ''}\0`);
  return hash.digest('hex');
}

/** Compiles `dir` once more into standalone CommonJS validators, for the build to ship beside the code. */
export async function generateContractModule(dir: string): Promise<string> {
  const absDir = resolve(dir);
  const { ajv, parsed, results } = await compileDir(absDir, { source: true });
  const broken = results.find((f) => f.error !== undefined);
  if (broken !== undefined) {
    throw new Error(`${broken.file}: ${broken.error ?? 'unknown reason'}`);
  }
  const { default: standaloneModule } = await import('ajv/dist/standalone/index.js');
  const exportsByName: Record<string, string> = {};
  const covers: PrecompiledContract['covers'] = {};
  results.forEach((f, i) => {
    if (f.covers === null || f.schema === undefined) return;
    const name = `validate_${i}`;
    exportsByName[name] = typeof f.schema.$id === 'string' ? f.schema.$id : f.file;
    covers[f.covers] = { export: name, file: f.file };
  });
  const code = standaloneModule.default(ajv, exportsByName);
  const meta = `exports.fingerprint = ${JSON.stringify(fingerprintSchemas(parsed))};
exports.covers = ${JSON.stringify(covers)};
`;
  return `${code}\n${meta}`;
}

/** Loads the precompiled validators of the bundled schemas; null when absent or stale. */
export async function loadPrecompiled(
  absDir: string,
  modulePath: string,
): Promise<LoadedSchemas | null> {
  let contract: PrecompiledContract;
  try {
    contract = createRequire(import.meta.url)(modulePath) as PrecompiledContract;
  } catch {
    return null;
  }
  const parsed = await readSchemaFiles(absDir);
  if (parsed.some((p) => p.error !== undefined)) return null;
  if (contract.fingerprint !== fingerprintSchemas(parsed)) return null;
  const schemaOf = new Map(parsed.map((p) => [p.file, p.schema]));
  const files: CompiledFile[] = Object.entries(contract.covers).map(([type, entry]) => ({
    file: entry.file,
    covers: type,
    validate: contract[entry.export] as Validator,
    schema: schemaOf.get(entry.file),
  }));
  return createChecker(absDir, files);
}
