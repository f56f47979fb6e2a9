import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { ENVIRONMENT_FIELDS, parseConfigFile } from '../../src/settings/config-file.js';
import { buildConfigSchema, CONFIG_SCHEMA_REF } from '../../src/settings/config-schema.js';
import { starterConfig } from '../../src/settings/starter-config.js';

const schema = buildConfigSchema();
const validateSchema = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

function loaderAccepts(json: unknown): boolean {
  try {
    parseConfigFile('ws-validate.config.json', json);
    return true;
  } catch {
    return false;
  }
}

// Every ```json block of the docs that is a config file (it has "environments").
function documentedConfigs(): [string, unknown][] {
  const found: [string, unknown][] = [];
  for (const doc of ['README.md', 'docs/ci.md']) {
    const text = readFileSync(new URL(`../../${doc}`, import.meta.url), 'utf8');
    for (const [, body] of text.matchAll(/```json\n([\s\S]*?)```/g)) {
      if (body?.includes('"environments"')) found.push([doc, JSON.parse(body) as unknown]);
    }
  }
  return found;
}

describe('config.schema.json', () => {
  it('has one property per config field of the option table, described', () => {
    const environment = (schema.$defs as Record<string, { properties: Record<string, object> }>)
      .environment!;
    expect(Object.keys(environment.properties)).toEqual(ENVIRONMENT_FIELDS.map((row) => row.key));
    for (const [key, field] of Object.entries(environment.properties)) {
      expect(field, key).toHaveProperty('description');
    }
  });

  it('is found where the README points', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`"$schema": "${CONFIG_SCHEMA_REF}"`);
  });

  it.each(documentedConfigs())('accepts the example in %s, as the loader does', (_doc, json) => {
    expect(loaderAccepts(json)).toBe(true);
    expect(validateSchema(json), JSON.stringify(validateSchema.errors)).toBe(true);
  });

  it('accepts what `ws-validate init` writes, as the loader does', () => {
    const json: unknown = JSON.parse(
      starterConfig({ url: 'wss://dev.example.com/ws', auth: 'query', tokenEnv: 'DEV_TOKEN' }),
    );
    expect(loaderAccepts(json)).toBe(true);
    expect(validateSchema(json)).toBe(true);
  });

  const env = (fields: object): object => ({ environments: { dev: fields } });
  it.each([
    ['an empty file', {}, true],
    ['$schema and defaultEnv only', { $schema: 'x.json', defaultEnv: 'dev' }, true],
    ['every duration unit', env({ timeout: '2m', firstEventTimeout: '1.5s', grace: '0' }), true],
    ['a duration in upper case', env({ connectTimeout: '10S' }), true],
    ['a protected environment', env({ url: 'wss://a.example/ws', protected: true }), true],
    ['an unknown root field', { default: 'dev' }, false],
    ['a $schema that is not a string', { $schema: 1 }, false],
    ['environments as a list', { environments: [] }, false],
    ['an unknown environment field', env({ token: 'x' }), false],
    ['a boolean given as text', env({ protected: 'yes' }), false],
    ['text given as a number', env({ user: 7 }), false],
    ['a duration without a unit', env({ timeout: '30' }), false],
    ['a duration in words', env({ timeout: '30 seconds' }), false],
    ['a zero grace with a sign', env({ grace: '-0' }), false],
    ['an auth placement that does not exist', env({ auth: 'cookie' }), false],
    ['an http URL', env({ url: 'https://a.example/ws' }), false],
    [
      'headers with a value and an env var',
      env({ headers: { 'X-A': 'a', 'X-B': { env: 'B' } } }),
      true,
    ],
    ['a header named in any case', env({ headers: { 'x-team': 'agents' } }), true],
    ['an origin', env({ origin: 'https://app.example.com' }), true],
    ['headers as a list', env({ headers: ['X-A: a'] }), false],
    ['a header value that is a number', env({ headers: { 'X-A': 1 } }), false],
    ['a header value with a line break', env({ headers: { 'X-A': 'a\r\nX-B: b' } }), false],
    ['a header value beyond Latin-1', env({ headers: { 'X-A': 'a\u20ac' } }), false],
    ['a header name with a space', env({ headers: { 'X A': 'a' } }), false],
    ['a header the handshake sets', env({ headers: { 'sec-WebSocket-key': 'a' } }), false],
    ['a Host header', env({ headers: { HOST: 'a.example' } }), false],
    ['an Origin header', env({ headers: { Origin: 'https://a.example' } }), false],
    ['an env reference without a name', env({ headers: { 'X-A': { env: '' } } }), false],
    ['an env reference with more', env({ headers: { 'X-A': { env: 'A', or: 'x' } } }), false],
    ['an origin that is not http', env({ origin: 'ws://app.example.com' }), false],
  ])('agrees with the loader on %s', (_name, json, valid) => {
    expect(loaderAccepts(json)).toBe(valid);
    expect(validateSchema(json)).toBe(valid);
  });
});
