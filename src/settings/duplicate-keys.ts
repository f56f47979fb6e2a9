// JSON.parse keeps the last of two equal keys without a word; a config file edited by hand may
// hold both, and the first is then silently ignored.

interface Level {
  /** The path of this object or array, e.g. `environments.dev`. */
  path: string;
  /** The keys seen so far; null for an array. */
  keys: Set<string> | null;
  /** The key whose value comes next (objects only). */
  key: string | null;
  /** True when the next string of this object is a key. */
  expectKey: boolean;
}

/** The paths (e.g. `environments.dev.url`) of keys given twice in one object of valid JSON text, in order. */
export function findDuplicateKeys(text: string): string[] {
  const duplicates: string[] = [];
  const stack: Level[] = [];
  const childPath = (): string => {
    const top = stack[stack.length - 1];
    if (top === undefined) return '';
    const own = top.keys === null ? '[]' : (top.key ?? '');
    return top.path === '' ? own : `${top.path}.${own}`;
  };
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    const top = stack[stack.length - 1];
    if (char === '{' || char === '[') {
      stack.push({
        path: childPath(),
        keys: char === '{' ? new Set() : null,
        key: null,
        expectKey: char === '{',
      });
    } else if (char === '}' || char === ']') {
      stack.pop();
    } else if (char === ',' && top?.keys) {
      top.expectKey = true;
    } else if (char === '"') {
      const start = i;
      for (i += 1; text[i] !== '"'; i += 1) if (text[i] === '\\') i += 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(start, i + 1)) as string;
        if (top.keys.has(key)) duplicates.push(top.path === '' ? key : `${top.path}.${key}`);
        top.keys.add(key);
        top.key = key;
        top.expectKey = false;
      }
    }
  }
  return duplicates;
}
