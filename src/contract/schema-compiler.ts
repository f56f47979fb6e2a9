import type { AnySchemaObject, Ajv2020, ErrorObject } from 'ajv/dist/2020.js';
import { findRefCycles } from './ref-cycles.js';
import { coveredType, referencedBases } from './schema-coverage.js';
import { readSchemaFiles, type ParsedFile } from './schema-files.js';

/** A compiled validator: ajv's, or one precompiled at build time (same shape, no `.schema`). */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** One schema file after compiling: the type it covers and its validator, or why it is broken. */
export interface CompiledFile {
  file: string;
  covers: string | null;
  validate?: Validator;
  schema?: AnySchemaObject;
  error?: string;
  /** Which step failed; the earliest step names the root cause when files depend on each other. */
  stage?: number;
}

// One instance for every file, so `$ref`s between files resolve and each schema compiles once.
// ajv is loaded only here: a run with the bundled, precompiled schemas never needs it.
// `formatsModule`: the module the standalone code requires its formats from, beside itself.
async function createAjv(source: boolean, formatsModule?: string): Promise<Ajv2020> {
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
    ...(source
      ? {
          code: {
            source: true,
            ...(formatsModule === undefined
              ? {}
              : { formats: ajvModule._`require(${`./${formatsModule}`}).fullFormats` }),
          },
        }
      : {}),
  });
  addFormatsModule.default(ajv);
  return ajv;
}

/**
 * Reads and compiles every schema file of `dir` with one ajv instance, and indexes each by the type
 * it covers (read at `typePath`); broken files are returned with their error, not thrown. `source`
 * keeps the generated code for standalone output, which takes its formats from `formatsModule`
 * (a file beside it) when given.
 */
export async function compileDir(
  dir: string,
  options: { source?: boolean; typePath?: readonly string[]; formatsModule?: string } = {},
): Promise<{ ajv: Ajv2020; parsed: ParsedFile[]; results: CompiledFile[] }> {
  const parsed = await readSchemaFiles(dir);
  const ajv = await createAjv(options.source ?? false, options.formatsModule);
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

  // Checked before compiling: a validator with such a cycle compiles, then overflows the stack.
  const cycles = findRefCycles(
    parsed.flatMap((p) => (p.schema === undefined ? [] : [{ file: p.file, schema: p.schema }])),
  );
  const referenced = referencedBases(parsed);
  const coveredBy = new Map<string, string>();
  parsed.forEach((p, i) => {
    const result = results[i];
    if (p.schema === undefined || result === undefined || result.error !== undefined) return;
    const cycle = cycles.get(p.file);
    if (cycle !== undefined) {
      Object.assign(result, { error: cycle, stage: 3 });
      return;
    }
    try {
      result.validate = ajv.compile(p.schema);
      result.schema = p.schema;
    } catch (err) {
      Object.assign(result, { error: (err as Error).message, stage: 3 });
      return;
    }
    const type = coveredType(p.file, p.schema, referenced, options.typePath);
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
