import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FieldError } from './types.js';

/** Distinct ways of failing kept per checker; past that, every failure is formatted afresh. */
const MAX_ENTRIES = 256;

/** A node of the cache: one failed check further down a failure's list, and the description of the failures that end here. */
interface Node {
  /** Schema path -> the nodes of the checks that failed there, told apart by where and what is missing. */
  next: Map<string, Branch[]>;
  described?: readonly FieldError[];
}

interface Branch {
  instancePath: string;
  missing: string;
  node: Node;
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
 * lookup free of string building.
 */
export function createErrorCache(): ErrorCache {
  const roots = new Map<string, Node>();
  let entries = 0;
  // One map lookup per failed check: ajv's schema paths are the same strings every time, and the
  // few checks that fail at one schema path are told apart by a short scan.
  const step = (node: Node, error: ErrorObject): Node => {
    const missingProperty = (error.params as { missingProperty?: unknown }).missingProperty;
    const missing = typeof missingProperty === 'string' ? missingProperty : '';
    let branches = node.next.get(error.schemaPath);
    if (branches === undefined) {
      branches = [];
      node.next.set(error.schemaPath, branches);
    }
    for (const branch of branches) {
      if (branch.instancePath === error.instancePath && branch.missing === missing) {
        return branch.node;
      }
    }
    const child: Node = { next: new Map() };
    branches.push({ instancePath: error.instancePath, missing, node: child });
    entries += 1;
    return child;
  };
  return {
    describe(type, errors, brief, format) {
      if (!brief || entries > MAX_ENTRIES) return format();
      let node = roots.get(type);
      if (node === undefined) {
        node = { next: new Map() };
        roots.set(type, node);
      }
      for (const error of errors) node = step(node, error);
      node.described ??= Object.freeze(format());
      return node.described;
    },
  };
}
