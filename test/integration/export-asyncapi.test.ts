import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT_IN_PROFILES } from '../../src/contract/profile.js';
import { loadProfile } from '../../src/contract/profiles.js';
import { runCli } from '../helpers/cli.js';

const FRAMES = fileURLToPath(new URL('../fixtures/frames/', import.meta.url));
// ERROR in @asyncapi/parser's diagnostics (spectral's DiagnosticSeverity).
const ERROR = 0;

type Doc = Record<string, unknown>;
interface Message {
  name: string;
  payload: { $ref?: string; schemaFormat?: string; schema?: Doc };
}

/** The value at a dotted path of a parsed document. */
function at(doc: unknown, path: string): unknown {
  let node = doc;
  for (const key of path.split('.')) node = (node as Doc | undefined)?.[key];
  return node;
}

const messagesOf = (doc: Doc): Record<string, Message> =>
  at(doc, 'components.messages') as Record<string, Message>;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ws-validate-asyncapi-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportYaml(...args: string[]): Promise<{ text: string; doc: Doc }> {
  const result = await runCli(['export', 'asyncapi', ...args]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return { text: result.stdout, doc: parseYaml(result.stdout) as Doc };
}

async function parserErrors(text: string): Promise<string[]> {
  const { document, diagnostics } = await new Parser().parse(text);
  expect(document).toBeDefined();
  return diagnostics
    .filter((d) => Number(d.severity) === ERROR)
    .map((d) => `${d.path.join('.')}: ${d.message}`);
}

async function exampleFrames(): Promise<unknown[]> {
  const frames: unknown[] = [];
  for (const file of [
    'canonical-run',
    'bridge-shape-run',
    'suite-flat-run',
    'frontend-shape-run',
    'ag-ui-run',
    'infrastructure-frames',
  ]) {
    const text = await readFile(join(FRAMES, `${file}.ndjson`), 'utf8');
    for (const line of text.split('\n')) if (line.trim() !== '') frames.push(JSON.parse(line));
  }
  return frames;
}

describe('export asyncapi', () => {
  it.each(BUILT_IN_PROFILES.map((name) => [name]))(
    'writes for %s an AsyncAPI 3.0 document that @asyncapi/parser accepts without errors',
    async (name) => {
      const { text, doc } = await exportYaml('--profile', name);
      expect(await parserErrors(text)).toEqual([]);
      const profile = await loadProfile({ kind: 'built-in', name });
      expect(doc.asyncapi).toBe('3.0.0');
      // One message per frame type a schema covers, and the trigger.
      const messages = Object.values(messagesOf(doc));
      expect(messages.map((m) => m.name).sort()).toEqual(
        [...Object.keys(profile.checker.covers), 'trigger'].sort(),
      );
      expect(at(doc, 'channels.agentStream.bindings')).toEqual({
        ws: { method: 'GET', bindingVersion: '0.1.0' },
      });
      expect(at(doc, 'operations.receiveEvents.action')).toBe('receive');
      expect(at(doc, 'operations.receiveEvents.messages')).toHaveLength(messages.length - 1);
      expect(at(doc, 'operations.sendTrigger')).toMatchObject({
        action: 'send',
        messages: [{ $ref: '#/channels/agentStream/messages/trigger' }],
      });
      const { profile: format, name: profileName, typeField, required, pairs } = profile.spec;
      expect(doc['x-ws-validate']).toMatchObject({
        profile: format,
        name: profileName,
        typeField,
        required,
        pairs,
      });
    },
  );

  it.each(BUILT_IN_PROFILES.map((name) => [name]))(
    "gives %s's payloads as draft-07 schemas that judge every example frame as the profile does",
    async (name) => {
      const { doc } = await exportYaml('--profile', name);
      const profile = await loadProfile({ kind: 'built-in', name });
      // A draft-07 validator, as a reader of the document would use.
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormatsModule.default(ajv);
      ajv.addSchema(doc, 'document');
      const messages = messagesOf(doc);
      let failing = 0;
      for (const frame of await exampleFrames()) {
        const type = (frame as { type?: unknown }).type;
        const message = Object.values(messages).find((m) => m.name === type);
        if (typeof type !== 'string' || message === undefined || type === 'trigger') continue;
        const validate = ajv.getSchema(`document${message.payload.$ref ?? ''}/schema`);
        const profileVerdict = profile.checker.check(frame).errors.length === 0;
        expect(validate?.(frame), `${name} ${JSON.stringify(frame)}`).toBe(profileVerdict);
        if (!profileVerdict) failing += 1;
      }
      // Frames of the other shapes fail here, so both verdicts are exercised.
      if (name !== 'ag-ui') expect(failing).toBeGreaterThan(0);
    },
  );

  it('describes the ag-ui trigger as the RunAgentInput it sends', async () => {
    const { doc } = await exportYaml('--profile', 'ag-ui');
    const payload = messagesOf(doc).trigger?.payload;
    expect(payload?.schemaFormat).toBe('application/schema+json;version=draft-07');
    expect(at(payload?.schema, 'required')).toEqual([
      'threadId',
      'runId',
      'messages',
      'tools',
      'context',
      'state',
      'forwardedProps',
    ]);
    expect(at(payload?.schema, 'properties.threadId')).toEqual({
      type: 'string',
      description: 'filled in from {{thread_id}}',
    });
    expect(at(payload?.schema, 'properties.messages.items.0.properties.role')).toEqual({
      const: 'user',
    });
  });

  it('writes JSON to a file that ends in .json, with the server and path of --url and none of its secrets', async () => {
    const file = join(dir, 'nested', 'canonical.json');
    const secret = 'tok-3f9a8c7d2e1b';
    const result = await runCli([
      'export',
      'asyncapi',
      '-o',
      file,
      '--url',
      `wss://user:pass-${secret}@agents.example.com:8443/api/v1/websocket?token=${secret}`,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`wrote ${file} (AsyncAPI 3.0.0, profile canonical)\n`);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('pass-');
    const doc = JSON.parse(text) as Doc;
    expect(doc.servers).toEqual({ agent: { host: 'agents.example.com:8443', protocol: 'wss' } });
    expect(at(doc, 'channels.agentStream.address')).toBe('/api/v1/websocket');
    expect(await parserErrors(text)).toEqual([]);
  });

  it('describes a profile folder of its own', async () => {
    const folder = join(dir, 'ledger');
    const schema = (event: string): string =>
      JSON.stringify({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        $ref: 'defs/meta.schema.json',
        properties: { event: { const: event } },
      });
    await mkdir(join(folder, 'defs'), { recursive: true });
    await writeFile(
      join(folder, 'profile.json'),
      JSON.stringify({ profile: 1, name: 'ledger', typeField: 'event', required: ['open'] }),
    );
    await writeFile(join(folder, 'open.schema.json'), schema('open'));
    await writeFile(
      join(folder, 'defs', 'meta.schema.json'),
      JSON.stringify({
        type: 'object',
        required: ['event', 'meta'],
        properties: { event: { type: 'string' }, meta: { type: 'object' } },
      }),
    );
    const result = await runCli(['export', 'asyncapi', '--profile', folder]);
    expect(result.code).toBe(0);
    const doc = parseYaml(result.stdout) as Doc;
    // The $ref beside other keywords becomes allOf, pointing into the document.
    expect(at(doc, 'components.schemas.open.schema')).toEqual({
      properties: { event: { const: 'open' } },
      allOf: [{ $ref: '#/components/schemas/defs.meta/schema' }],
    });
    // Without a trigger of its own, the profile sends agent_execution.
    expect(at(messagesOf(doc).trigger?.payload.schema, 'properties.type')).toEqual({
      const: 'agent_execution',
    });
    expect(await parserErrors(result.stdout)).toEqual([]);
  });
});

describe('export asyncapi with bad input', () => {
  it.each([
    [['--profile', 'nope'], /^error: --profile: unknown profile "nope"\nhint: built-in profiles: /],
    [
      ['--profile', 'canonical,ag-ui'],
      /^error: --profile: export asyncapi describes one profile, and "canonical,ag-ui" names 2\nhint: /,
    ],
    [['--profile', './missing'], /^error: profile folder .*missing does not exist\nhint: /],
    [
      ['--url', 'http://example.com/ws'],
      /^error: --url: http:\/\/ is not a WebSocket scheme\nhint: /,
    ],
  ])('%j: exit 2, one error line and one hint', async (args, message) => {
    const result = await runCli(['export', 'asyncapi', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr.split('\n').filter((line) => line !== '')).toHaveLength(2);
  });

  it('an -o it cannot write: exit 2, one error line and one hint, nothing on stdout', async () => {
    const notAFolder = join(dir, 'plain-file');
    await writeFile(notAFolder, 'x');
    const result = await runCli(['export', 'asyncapi', '-o', join(notAFolder, 'doc.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `error: --output: cannot write ${join(notAFolder, 'doc.yaml')} (ENOTDIR)\nhint: give a file in a folder you may write to, or leave out --output for stdout\n`,
    );
  });

  it('export without a format: exit 2', async () => {
    const result = await runCli(['export']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: export needs the format to write\nhint: ws-validate export asyncapi [--profile name] [-o file]\n',
    );
  });
});
