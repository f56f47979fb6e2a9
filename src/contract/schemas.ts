import { join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { packageRoot } from '../shared/package.js';
import { BUNDLED_CONTRACT_MODULE, loadPrecompiled } from './precompiled-contract.js';
import { createChecker, type LoadedSchemas } from './schema-checker.js';
import { compileDir } from './schema-compiler.js';
import { SCHEMA_SUFFIX } from './schema-files.js';

// The build's entry `dist/schemas.js` (scripts/bundle.js) is this module; the build then writes the
// precompiled contract with it (scripts/build-contract.js).
export { generateContractModule } from './precompiled-contract.js';

/** The status of one schema file, as `ws-validate schemas` lists it. */
export interface SchemaFileStatus {
  file: string;
  /** The message type the schema covers; null for shared definitions (the envelope) and broken files. */
  covers: string | null;
  /** Why the file cannot be used; absent when it compiled. */
  error?: string;
}

const HINT =
  'Fix or remove the file, or point ws-validate at another schema directory; `ws-validate schemas` lists every file with its status.';

/** The canonical profile's schema folder shipped with ws-validate (`profiles/canonical/`), located from this module rather than the working directory. */
export function defaultSchemasDir(): string {
  return join(packageRoot(), 'profiles', 'canonical');
}

/** Reads, compiles and indexes every `*.schema.json` in `dir`; throws UsageError naming the first broken file. */
export async function loadSchemas(dir: string): Promise<LoadedSchemas> {
  const absDir = resolve(dir);
  if (absDir === defaultSchemasDir()) {
    const precompiled = await loadPrecompiled(absDir, BUNDLED_CONTRACT_MODULE);
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

/** Lists every `*.schema.json` in `dir` with the type it covers or why it is broken; throws only when `dir` cannot be read. */
export async function inspectSchemas(dir: string): Promise<SchemaFileStatus[]> {
  const { results: files } = await compileDir(resolve(dir));
  return files.map((f) =>
    f.error === undefined
      ? { file: f.file, covers: f.covers }
      : { file: f.file, covers: null, error: f.error },
  );
}
