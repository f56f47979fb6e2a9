// Emits the library's .d.ts files into dist/types/ and keeps only those index.d.ts reaches, so the
// package ships the declarations of its API and nothing else.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const typesDir = join(root, 'dist', 'types');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

rmSync(typesDir, { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.types.json')], {
  stdio: 'inherit',
});

const reached = new Set();
const queue = [join(typesDir, 'index.d.ts')];
while (queue.length > 0) {
  const file = queue.pop();
  if (reached.has(file)) continue;
  reached.add(file);
  // tsc writes the specifiers of `from` in single quotes and those of `import()` types in double.
  for (const [, spec] of readFileSync(file, 'utf8').matchAll(
    /(?:from |import\()['"](\.[^'"]+)\.js['"]/g,
  )) {
    queue.push(join(dirname(file), `${spec}.d.ts`));
  }
}
for (const entry of readdirSync(typesDir, { recursive: true, withFileTypes: true })) {
  const file = join(entry.parentPath, entry.name);
  if (entry.isFile() && !reached.has(file)) rmSync(file);
}
for (const entry of readdirSync(typesDir, { withFileTypes: true })) {
  const dir = join(typesDir, entry.name);
  if (entry.isDirectory() && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}
