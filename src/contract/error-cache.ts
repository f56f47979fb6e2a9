import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FieldError } from './types.js';

/** Distinct ways of failing kept per checker; past that, every failure is formatted afresh. */
const MAX_ENTRIES = 256;

/** A node of the cache: one step of a failure's checks, and the description of the failures that end here. */
interface Node {
  next: Map<string, Node>;
  described?: readonly FieldError[];
}

/** Formats failures, or for a brief check reuses the description of an earlier frame that failed the same way. */
export interface ErrorCache {
  describe(
    type: string,
    errors: readonly ErrorObject[],
    brief: boolean,
    format: () => FieldError[],
  ): readonly FieldError[];
}

/**
 * Creates the cache of one checker. Failures are keyed by which checks failed where (schema path,
 * instance path, missing property), which decides which field errors they give and which of those
 * are missing fields; their texts may differ between frames (a value, what the frame has instead),
 * so a description reused for a brief check is only good for counting. A trie of maps keeps the
 * lookup free of string building: ajv's schema paths are the same strings every time.
 */
export function createErrorCache(): ErrorCache {
  const root: Node = { next: new Map() };
  let entries = 0;
  const step = (node: Node, key: string): Node => {
    let child = node.next.get(key);
    if (child === undefined) {
      child = { next: new Map() };
      node.next.set(key, child);
      entries += 1;
    }
    return child;
  };
  return {
    describe(type, errors, brief, format) {
      if (!brief || entries > MAX_ENTRIES) return format();
      let node = step(root, type);
      for (const e of errors) {
        const missing = (e.params as { missingProperty?: unknown }).missingProperty;
        node = step(
          step(step(node, e.schemaPath), e.instancePath),
          typeof missing === 'string' ? missing : '',
        );
      }
      node.described ??= Object.freeze(format());
      return node.described;
    },
  };
}
