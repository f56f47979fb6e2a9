import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTokenFile } from '../../src/auth/file.js';

let dir = '';

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-token-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readTokenFile', () => {
  it('returns the contents as they are: fetchToken trims every source once', async () => {
    const path = join(dir, 'token');
    await writeFile(path, '  abc.def.ghi\n\n');
    await expect(readTokenFile(path)).resolves.toBe('  abc.def.ghi\n\n');
  });

  it('reports a missing file as TOKEN_FILE_UNREADABLE naming the path', async () => {
    const path = join(dir, 'missing');
    const error = await readTokenFile(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOKEN_FILE_UNREADABLE', exitCode: 2 });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('ENOENT');
  });

  it('reports a directory as TOKEN_FILE_UNREADABLE', async () => {
    await expect(readTokenFile(dir)).rejects.toMatchObject({ code: 'TOKEN_FILE_UNREADABLE' });
  });

  it.skipIf(process.getuid?.() === 0)('reports a file without read permission', async () => {
    const path = join(dir, 'locked');
    await writeFile(path, 'secret-token');
    await chmod(path, 0o000);
    await expect(readTokenFile(path)).rejects.toMatchObject({ code: 'TOKEN_FILE_UNREADABLE' });
  });

  it('reports an empty or blank file as TOKEN_FILE_UNREADABLE', async () => {
    const path = join(dir, 'blank');
    await writeFile(path, ' \n\t\n');
    const error = await readTokenFile(path).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'TOKEN_FILE_UNREADABLE' });
    expect((error as Error).message).toContain('empty');
  });
});
