import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureDir } from '../../src/shared/ensure-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-dir-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ensureDir', () => {
  it('creates every missing level and accepts one that exists', async () => {
    const deep = join(dir, 'a', 'b', 'c');
    await ensureDir(deep);
    expect((await stat(deep)).isDirectory()).toBe(true);
    await expect(ensureDir(deep)).resolves.toBeUndefined();
  });

  it('fails on a file where a folder should be', async () => {
    await writeFile(join(dir, 'file'), 'x');
    await expect(ensureDir(join(dir, 'file', 'sub'))).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it.runIf(existsSync('/proc/self'))(
    'fails, rather than spinning for ever, where mkdir answers ENOENT (/proc)',
    async () => {
      await expect(ensureDir('/proc/ws-validate-nope/x')).rejects.toMatchObject({
        code: 'ENOENT',
      });
    },
    5_000,
  );
});
