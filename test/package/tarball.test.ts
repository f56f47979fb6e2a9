import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildConfigSchema } from '../../src/settings/config-schema.js';
import { buildReportSchema } from '../../src/report/report-schema.js';
import { exec, execOk } from '../helpers/exec.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
};
const versionOf = async (name: string): Promise<string> =>
  (
    JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

let scratch: string;
let project: string;
let files: string[];
// npm's cache answers first; the registry is asked only for what it lacks.
const env = { ...process.env, npm_config_prefer_offline: 'true', npm_config_fund: 'false' };

beforeAll(async () => {
  await stat(join(ROOT, 'dist', 'index.js')).catch(() => {
    throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  });
  scratch = await mkdtemp(join(tmpdir(), 'ws-validate-tarball-'));
  project = join(scratch, 'project');
  await mkdir(project);
  // The build is already there; packing must not rebuild it.
  const packed = await execOk(
    'npm',
    ['pack', '--ignore-scripts', '--json', '--pack-destination', scratch],
    { cwd: ROOT, env },
  );
  const [info] = JSON.parse(packed.stdout) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  files = info!.files.map((f) => f.path);
  console.info(
    `tarball ${info!.filename} on node ${process.version}: ${info!.size} bytes packed, ${info!.unpackedSize} unpacked, ${files.length} files`,
  );
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await execOk('npm', ['install', '--omit=dev', '--no-audit', join(scratch, info!.filename)], {
    cwd: project,
    env,
  });
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the package and nothing of its development', () => {
    for (const needed of [
      'package.json',
      'README.md',
      'LICENSE',
      'bin/ws-validate.js',
      'dist/cli.js',
      'dist/index.js',
      'dist/contract-canonical.cjs',
      'dist/contract-bridge.cjs',
      'dist/contract-formats.cjs',
      'dist/help.txt',
      'dist/types/index.d.ts',
      'config.schema.json',
      'report.schema.json',
      'profiles/canonical/profile.json',
      'profiles/canonical/agent_started.schema.json',
      'profiles/canonical/defs/envelope.schema.json',
      'dist/contract-ag-ui.cjs',
      'profiles/ag-ui/profile.json',
      'profiles/ag-ui/RUN_STARTED.schema.json',
      'profiles/ag-ui/defs/Message.schema.json',
    ]) {
      expect(files, needed).toContain(needed);
    }
    const development =
      /^(src|test|bench|scripts|docs|\.ci)\/|\.map$|^dist\/(schemas|config-schema|report-schema|action|help)\.js$|^(tsconfig|vitest|eslint|action\.yml)/;
    expect(files.filter((f) => development.test(f))).toEqual([]);
  });

  it('installs with production dependencies only and runs from another directory', async () => {
    const version = await execOk('npx', ['ws-validate', '--version'], { cwd: project, env });
    expect(version.stdout.trim()).toBe(pkg.version);
    const run = await exec('npx', ['ws-validate', '--env', 'embedded'], { cwd: project, env });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^PASS/m);
    expect(run.code).toBe(0);
  });

  it('judges the embedded AG-UI server with the ag-ui profile, and exports it as AsyncAPI', async () => {
    const run = await exec('npx', ['ws-validate', '--env', 'embedded', '--profile', 'ag-ui'], {
      cwd: project,
      env,
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/^PASS/m);
    expect(run.code).toBe(0);
    const exported = await execOk(
      'npx',
      ['ws-validate', 'export', 'asyncapi', '--profile', 'ag-ui'],
      {
        cwd: project,
        env,
      },
    );
    expect(exported.stdout).toMatch(/^asyncapi: 3\.0\.0\n/);
  });

  it('is importable, with the API the README names', async () => {
    const { stdout } = await execOk(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('ws-validate'); console.log(Object.keys(m).sort().join(','))",
      ],
      { cwd: project, env },
    );
    expect(stdout.trim().split(',')).toEqual(
      expect.arrayContaining([
        'AuthError',
        'ConnectionError',
        'UsageError',
        'check',
        'startReferenceServer',
        'validate',
      ]),
    );
  });

  it('can be required from CommonJS too (require of ESM, Node 20.19 and later)', async () => {
    const { stdout } = await execOk(
      process.execPath,
      ['-e', "console.log(typeof require('ws-validate').validate)"],
      { cwd: project, env },
    );
    expect(stdout.trim()).toBe('function');
  });

  it('runs the README "Use from code" example', async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Use from code'));
    const example = /```js\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    await writeFile(join(project, 'example.mjs'), example);
    const { stdout } = await execOk(process.execPath, ['example.mjs'], { cwd: project, env });
    expect(stdout.trim()).toBe('pass 0');
  });

  it('ships config.schema.json as the option table gives it', async () => {
    const shipped: unknown = JSON.parse(
      await readFile(join(project, 'node_modules', pkg.name, 'config.schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(buildConfigSchema());
  });

  it('ships report.schema.json, the schema of the JSON report, importable by its export name', async () => {
    const shipped: unknown = JSON.parse(
      await readFile(join(project, 'node_modules', pkg.name, 'report.schema.json'), 'utf8'),
    );
    expect(shipped).toEqual(buildReportSchema());
    const { stdout } = await execOk(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const s = await import('ws-validate/report.schema.json', { with: { type: 'json' } }); console.log(s.default.$id)",
      ],
      { cwd: project, env },
    );
    expect(stdout.trim()).toBe('urn:ws-validate:report:2');
  });

  it('has .d.ts files a strict consumer with only @types/node type-checks against', async () => {
    const [typescript, typesNode] = await Promise.all([
      versionOf('typescript'),
      versionOf('@types/node'),
    ]);
    await execOk(
      'npm',
      [
        'install',
        '--no-save',
        '--no-audit',
        `typescript@${typescript}`,
        `@types/node@${typesNode}`,
      ],
      { cwd: project, env },
    );
    await copyFile(
      join(ROOT, 'test', 'fixtures', 'package', 'consumer.ts'),
      join(project, 'consumer.ts'),
    );
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          exactOptionalPropertyTypes: true,
          noUncheckedIndexedAccess: true,
          skipLibCheck: false,
          noEmit: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await exec(process.execPath, [tsc, '-p', '.'], { cwd: project, env });
    expect(checked.stdout + checked.stderr).toBe('');
    expect(checked.code).toBe(0);
  });
});
