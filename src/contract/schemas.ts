import { join, resolve } from 'node:path';
import { UsageError } from '../shared/errors.js';
import { packageRoot } from '../shared/package.js';
import { builtInContractModule, loadPrecompiled } from './precompiled-contract.js';
import { BUILT_IN_PROFILES, DEFAULT_PROFILE } from './profile.js';
import { createChecker, type LoadedSchemas } from './schema-checker.js';
import { compileDir } from './schema-compiler.js';
import { SCHEMA_SUFFIX } from './schema-files.js';

// The build's entry `dist/schemas.js` (scripts/bundle.js) is this module; the build then writes the
// precompiled contract of each built-in profile with it (scripts/build-contract.js).
export {
  FORMATS_MODULE,
  builtInContractModule,
  generateContractModule,
  generateFormatsModule,
} from './precompiled-contract.js';
export { BUILT_IN_PROFILES } from './profile.js';

/** The status of one schema file, as `ws-validate schemas` lists it. */
export interface SchemaFileStatus {
  file: string;
  /** The message type the schema covers; null for shared definitions (the envelope) and broken files. */
  covers: string | null;
  /** Why the file cannot be used; absent when it compiled. */
  error?: string;
}

/** How the schemas of a folder are read. */
export interface SchemaOptions {
  /** Dotted path of a frame's type (default `type`). */
  typeField?: string;
}

const HINT =
  'Fix or remove the file, or point ws-validate at another schema directory; `ws-validate schemas` lists every file with its status.';

/** The folder of a built-in profile shipped with ws-validate, located from this module rather than the working directory. */
export function builtInProfileDir(name: string): string {
  return join(packageRoot(), 'profiles', name);
}

/** The default (canonical) profile's schema folder, `profiles/canonical/`. */
export function defaultSchemasDir(): string {
  return builtInProfileDir(DEFAULT_PROFILE);
}

/** Reads, compiles and indexes every `*.schema.json` in `dir`; throws UsageError naming the first broken file. */
export async function loadSchemas(
  dir: string,
  options: SchemaOptions = {},
): Promise<LoadedSchemas> {
  const absDir = resolve(dir);
  const typePath = (options.typeField ?? 'type').split('.');
  // A built-in profile's own folder was compiled at build time; another folder is compiled now.
  const builtIn = BUILT_IN_PROFILES.find((name) => builtInProfileDir(name) === absDir);
  if (builtIn !== undefined) {
    const precompiled = await loadPrecompiled(absDir, builtInContractModule(builtIn), typePath);
    if (precompiled !== null) return precompiled;
  }
  const { results: files } = await compileDir(absDir, { typePath });
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

  return createChecker(absDir, files, typePath);
}

/** Lists every `*.schema.json` in `dir` with the type it covers or why it is broken; throws only when `dir` cannot be read. */
export async function inspectSchemas(
  dir: string,
  options: SchemaOptions = {},
): Promise<SchemaFileStatus[]> {
  const typePath = (options.typeField ?? 'type').split('.');
  const { results: files } = await compileDir(resolve(dir), { typePath });
  return files.map((f) =>
    f.error === undefined
      ? { file: f.file, covers: f.covers }
      : { file: f.file, covers: null, error: f.error },
  );
}
