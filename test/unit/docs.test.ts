import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every file under `dir` (relative to the root) whose name ends with `suffix`. */
function filesUnder(dir: string, suffix: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const path = join(dir, name);
    if (statSync(join(ROOT, path)).isDirectory()) found.push(...filesUnder(path, suffix));
    else if (name.endsWith(suffix)) found.push(path);
  }
  return found;
}

const DOCS = ['README.md', ...filesUnder('docs', '.md'), 'bench/README.md'];

describe('the documentation', () => {
  it.each(DOCS)('%s links only to files inside the repository that exist', (doc) => {
    const text = read(doc);
    const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    for (const link of links.filter((l) => !/^[a-z]+:/.test(l) && !l.startsWith('#'))) {
      const target = resolve(ROOT, dirname(doc), link.split('#')[0] ?? '');
      expect(relative(ROOT, target).startsWith('..'), `${doc} -> ${link}`).toBe(false);
      expect(existsSync(target), `${doc} -> ${link}`).toBe(true);
    }
  });

  it('has a LICENSE whose licence is the one package.json names', () => {
    const pkg = JSON.parse(read('package.json')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n/);
  });

  it('cites docs/protocol.md by a section that exists, wherever the sources cite the protocol', () => {
    const protocol = read('docs/protocol.md');
    const sections = new Set([...protocol.matchAll(/^## (\d+)\. /gm)].map((m) => m[1]));
    expect(sections.size).toBeGreaterThanOrEqual(9);
    for (const file of [...filesUnder('src', '.ts'), ...filesUnder('profiles', '.json')]) {
      const text = read(file);
      expect(text, file).not.toMatch(/(?<!docs\/)PROTOCOL\.md/);
      for (const cite of text.matchAll(/docs\/protocol\.md section (\d+)/g)) {
        expect(sections.has(cite[1]), `${file}: section ${cite[1]}`).toBe(true);
      }
    }
  });
});
