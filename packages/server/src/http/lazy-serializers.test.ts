import fastJsonStringify, { type Schema } from 'fast-json-stringify';
import { describe, expect, it } from 'vitest';
import { LazySerializers } from './lazy-serializers.js';

const schema: Schema = {
  type: 'object',
  properties: { id: { type: 'string' }, count: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } } },
};
const route = (s: Schema) => ({ schema: s, method: 'GET', url: '/x', httpStatus: '200' });

describe('LazySerializers', () => {
  it('builds a route’s serializer on its first answer, once, with the same output as Fastify’s eager one', () => {
    const lazy = new LazySerializers();
    const compile = lazy.factory({}, {});
    const serialize = compile(route(schema));
    expect(lazy.pendingCount).toBe(1);
    const value = { id: 'a"b', count: 3.7, tags: ['x'], extra: true };
    expect(serialize(value)).toBe(fastJsonStringify(schema)(value));
    expect(lazy.pendingCount).toBe(0);
    expect(serialize({ id: 'c' })).toBe('{"id":"c"}');
  });

  it('compileAll builds every pending serializer, and throws for a schema that cannot be built', () => {
    const lazy = new LazySerializers();
    const compile = lazy.factory({}, {});
    compile(route(schema));
    compile(route({ ...schema, properties: { n: { type: 'number' } } }));
    expect(lazy.compileAll()).toBe(2);
    expect(lazy.pendingCount).toBe(0);
    compile(route({ type: 'object', properties: { a: { $ref: '#/definitions/missing' } } }));
    expect(() => lazy.compileAll()).toThrow();
  });

  it('serializes over the schema as serialization-schema.ts rewrites it: a nullable field asks Ajv nothing', () => {
    const nullable: Schema = { type: 'object', properties: { at: { anyOf: [{ type: 'string', format: 'date-time' }, { type: 'null' }] } } };
    const serialize = new LazySerializers().factory({}, {})(route(nullable));
    expect(serialize({ at: null })).toBe('{"at":null}');
    expect(serialize({ at: '2026-11-27T10:00:00.000Z' })).toBe('{"at":"2026-11-27T10:00:00.000Z"}');
    // The schema as written made Ajv check the format to choose a branch (and throw); the rewrite only writes.
    expect(() => fastJsonStringify(nullable)({ at: 'soon' })).toThrow(TypeError);
    expect(serialize({ at: 'soon' })).toBe('{"at":"soon"}');
  });
});
