import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { packageRoot } from '../shared/package.js';
import { createChecker, type LoadedSchemas } from './schema-checker.js';
import { compileDir, type CompiledFile, type Validator } from './schema-compiler.js';
import { readSchemaFiles } from './schema-files.js';

/** Where the build writes a built-in profile's schemas, precompiled: `dist/contract-<name>.cjs` of the package. */
export function builtInContractModule(name: string): string {
  // From the package root rather than this module, so that the sources (run by the tests) use the
  // build's modules as the bundle does, while they match the schemas.
  return join(packageRoot(), 'dist', `contract-${name}.cjs`);
}

/** The file, beside every precompiled contract module, that the modules take their formats from. */
export const FORMATS_MODULE = 'contract-formats.cjs';

/**
 * The CommonJS text of {@link FORMATS_MODULE}: ajv-formats' formats, with `date-time` remembering
 * its last answer.
 */
export function generateFormatsModule(): string {
  // One module for every profile, so the memory is shared: `--profile all` checks each frame's
  // timestamp (the same string) once per profile, and the date-time check is pure and the dearest.
  return `"use strict";
const { fullFormats } = require("ajv-formats/dist/formats");
const dateTime = fullFormats["date-time"];
let lastText;
let lastValid = false;
exports.fullFormats = {
  ...fullFormats,
  "date-time": {
    ...dateTime,
    validate(text) {
      if (text !== lastText || lastText === undefined) {
        lastValid = dateTime.validate(text);
        lastText = text;
      }
      return lastValid;
    },
  },
};
`;
}

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

/** Compiles `dir` once more into standalone CommonJS validators, for the build to ship beside the code and {@link FORMATS_MODULE}. */
export async function generateContractModule(
  dir: string,
  typePath: readonly string[] = ['type'],
): Promise<string> {
  const absDir = resolve(dir);
  const { ajv, parsed, results } = await compileDir(absDir, {
    source: true,
    typePath,
    formatsModule: FORMATS_MODULE,
  });
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

/** Loads the precompiled validators of a built-in profile's schemas; null when absent or stale. */
export async function loadPrecompiled(
  absDir: string,
  modulePath: string,
  typePath: readonly string[] = ['type'],
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
  return createChecker(absDir, files, typePath);
}
