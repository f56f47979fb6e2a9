import type { AnySchemaObject } from 'ajv/dist/2020.js';
import { createErrorCache } from './error-cache.js';
import type { CompiledFile, Validator } from './schema-compiler.js';
import { formatContractErrors } from './schema-errors.js';
import { readPathString } from './profile.js';
import type { FrameCheck, FrameChecker } from './types.js';

// Frozen: returned for every frame without a schema, never changed by a caller.
const NO_SCHEMA: FrameCheck = Object.freeze({ schema: null, errors: Object.freeze([]) as [] });

/** The contract schemas of one directory, compiled once and ready to check frames. */
export interface LoadedSchemas extends FrameChecker {
  /** Absolute path of the directory the schemas were read from. */
  readonly dir: string;
  /** Message type -> file name of the schema that covers it, e.g. `agent_started.schema.json`. */
  readonly covers: Record<string, string>;
}

/** Checks frames against the compiled files of `absDir` that cover a type, chosen by the frame's type at `typePath`. */
export function createChecker(
  absDir: string,
  files: readonly CompiledFile[],
  typePath: readonly string[] = ['type'],
): LoadedSchemas {
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
  // One result per type for frames that pass: the hot path allocates nothing.
  const passed = new Map<string, FrameCheck>(
    [...validators.keys()].map((type) => [type, Object.freeze({ schema: type, errors: [] })]),
  );
  const cache = createErrorCache();

  return {
    dir: absDir,
    covers,
    schemaNames,
    check(frame: unknown, knownType?: string | null, brief = false): FrameCheck {
      // Per-frame hot path: a type lookup and one validator call; formatting only on failure.
      const type = knownType === undefined ? readPathString(frame, typePath) : knownType;
      if (type === null) return NO_SCHEMA;
      const validate = validators.get(type);
      if (validate === undefined) return NO_SCHEMA;
      if (validate(frame)) return passed.get(type) ?? NO_SCHEMA;
      const errors = validate.errors ?? [];
      return {
        schema: type,
        errors: cache.describe(type, errors, brief, () =>
          formatContractErrors(errors, frame, schemas.get(type)),
        ),
      };
    },
  };
}
