import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import { forSerialization } from './serialization-schema.js';

type SerializerFactory = SerializerSelector.SerializerFactory;
type Serialize = SerializerSelector.Serializer;

/**
 * Response serializers made on a route's first answer with that status rather than when the app
 * starts (issue 41 item 3: start-up). Fastify builds every route's fast-json-stringify function
 * at `ready`: ~500 route × status schemas, 0.5–1 s of a node's start, most of them for answers
 * (errors, admin routes) a node may never send. The functions are Fastify's own (its default
 * compiler with its options) over the schema as serialization-schema.ts rewrites it, so answers
 * are byte for byte the same. `compileAll` builds every pending one, so a test still finds a
 * schema fast-json-stringify cannot compile.
 */
export class LazySerializers {
  private readonly pending = new Set<() => Serialize>();

  /** For Fastify's `schemaController.compilersFactory.buildSerializer`. */
  readonly factory: SerializerFactory = (externalSchemas, serializerOpts) => {
    const compile = SerializerSelector()(externalSchemas, serializerOpts);
    return (route) => {
      let serialize: Serialize | undefined;
      const build = (): Serialize => {
        if (serialize === undefined) {
          // Unions fast-json-stringify would ask Ajv about on every answer, as types it tells apart itself.
          serialize = compile({ ...route, schema: forSerialization(route.schema) });
          this.pending.delete(build);
        }
        return serialize;
      };
      this.pending.add(build);
      return (data) => build()(data);
    };
  };

  /** How many route serializers have not been built yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Builds every serializer not built yet; throws the first one that cannot be. */
  compileAll(): number {
    const all = [...this.pending];
    for (const build of all) build();
    return all.length;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The app's response serializers, built on first use (`compileAll` for tests). */
    serializers: LazySerializers;
  }
}
