import fastJsonStringify from 'fast-json-stringify';
import * as protocol from '@confab/protocol';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { forSerialization } from './serialization-schema.js';

type Schema = Record<string, unknown>;
const isSchema = (v: unknown): v is Schema =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  (typeof (v as Schema).type === 'string' || Array.isArray((v as Schema).anyOf));

/** A copy of `value` with every nullable field of `schema` set to null, so the null branches are written too. */
function nulled(schema: Schema, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || schema.type !== 'object') return value;
  const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, prop] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (!(key in out)) continue;
    const anyOf = prop.anyOf as Schema[] | undefined;
    out[key] = anyOf?.some((o) => o.type === 'null') ? null : nulled(prop, out[key]);
  }
  return out;
}

const unionsIn = (schema: unknown): number =>
  typeof schema !== 'object' || schema === null
    ? 0
    : Object.entries(schema).reduce((n, [key, child]) => n + (key === 'anyOf' ? 1 : 0) + unionsIn(child), 0);

describe('response schemas for serialization', () => {
  const schemas = Object.entries(protocol as Record<string, unknown>).filter((entry): entry is [string, Schema] => isSchema(entry[1]));

  it('writes every protocol schema’s values byte for byte as the schema as written does, null branches too', () => {
    let compared = 0;
    for (const [name, schema] of schemas) {
      let value: unknown;
      try {
        value = Value.Create(schema as never);
      } catch {
        continue; // a schema TypeBox cannot make a value of (a pattern, say): the e2e suites cover its answers
      }
      const [before, after] = [fastJsonStringify(schema as never), fastJsonStringify(forSerialization(schema) as never)];
      for (const v of [value, nulled(schema, value)]) {
        let written: string;
        try {
          written = before(v);
        } catch {
          continue; // a made value the schema as written refuses (a format Ajv checks): nothing to compare
        }
        expect(after(v), name).toBe(written);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(200);
  });

  it('leaves no union fast-json-stringify must ask Ajv about in a message, a page of them or a page of conversations', () => {
    for (const schema of [protocol.Message, protocol.MessagePage, protocol.ConversationPage]) {
      expect(unionsIn(schema)).toBeGreaterThan(10);
      expect(unionsIn(forSerialization(schema))).toBe(0);
    }
  });

  it('keeps a union of shapes that only a check tells apart, and what describes a field', () => {
    const twoShapes = {
      anyOf: [
        { type: 'object', properties: { a: { type: 'string' } } },
        { type: 'object', properties: { b: { type: 'string' } } },
      ],
    };
    expect(forSerialization(twoShapes)).toEqual(twoShapes);
    const withSibling = { anyOf: [{ type: 'string' }, { type: 'null' }], minLength: 1 };
    expect(forSerialization(withSibling)).toEqual(withSibling);
    expect(forSerialization({ anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }], description: 'when' })).toEqual({
      type: ['string', 'null'],
      format: 'date-time',
      description: 'when',
    });
    expect(
      forSerialization({
        anyOf: [
          { const: 'a', type: 'string' },
          { const: 'b', type: 'string' },
        ],
      }),
    ).toEqual({ type: 'string', enum: ['a', 'b'] });
  });
});
