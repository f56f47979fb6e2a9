import { describe, expect, it } from 'vitest';
import { bundleSchemas, componentKey } from '../../src/contract/schema-bundle.js';

const pointerOf = (key: string): string => `#/components/schemas/${key}/schema`;

describe('bundleSchemas', () => {
  it('points $refs between files at their components, by $id or by file name', () => {
    const { schemas, keyOf } = bundleSchemas(
      [
        {
          file: 'started.schema.json',
          schema: {
            $id: 'https://example.com/p/started.schema.json',
            $schema: 'https://json-schema.org/draft/2020-12/schema',
            properties: {
              at: { $ref: 'defs/envelope.schema.json#/$defs/timestamp' },
              more: { $ref: 'https://example.com/p/defs/envelope.schema.json' },
            },
          },
        },
        {
          file: 'defs/envelope.schema.json',
          schema: {
            $id: 'https://example.com/p/defs/envelope.schema.json',
            $defs: { timestamp: { type: 'number' } },
          },
        },
      ],
      pointerOf,
    );
    expect(keyOf).toEqual({
      'started.schema.json': 'started',
      'defs/envelope.schema.json': 'defs.envelope',
    });
    expect(schemas.started).toEqual({
      properties: {
        at: { $ref: '#/components/schemas/defs.envelope/schema/$defs/timestamp' },
        more: { $ref: '#/components/schemas/defs.envelope/schema' },
      },
    });
  });

  it('moves a $ref with sibling keywords into allOf, and leaves data and outside refs alone', () => {
    const { schemas } = bundleSchemas(
      [
        {
          file: 'a.schema.json',
          schema: {
            title: 'a',
            $ref: 'b.schema.json',
            allOf: [{ required: ['x'] }],
            properties: {
              $ref: { const: { $ref: 'b.schema.json' } },
              meta: { $ref: 'https://json-schema.org/draft/2020-12/schema' },
            },
          },
        },
        { file: 'b.schema.json', schema: { type: 'object' } },
      ],
      pointerOf,
    );
    expect(schemas.a).toEqual({
      title: 'a',
      allOf: [{ $ref: '#/components/schemas/b/schema' }, { required: ['x'] }],
      properties: {
        $ref: { const: { $ref: 'b.schema.json' } },
        meta: { $ref: 'https://json-schema.org/draft/2020-12/schema' },
      },
    });
  });

  it('keys a file by its path, with / as . and other characters as _', () => {
    expect(componentKey('defs/x y.schema.json')).toBe('defs.x_y');
  });
});
