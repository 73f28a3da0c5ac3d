/**
 * Response schemas as fast-json-stringify serializes them fastest, with the same output. For each
 * branch of an `anyOf`, fast-json-stringify asks Ajv at run time whether the value matches it:
 * every nullable field of every message (`Nullable(Timestamp)`, `Nullable(ReplyPreview)`, a
 * union of literals) ran a validator on each answer, and each validator was compiled on the first
 * answer that reached it (a conversation list page's first answer spent ~100 ms compiling them,
 * issue 41 item 3). Here the unions that need no such question become a `type` list (null and one
 * other type, which fast-json-stringify tells apart with `typeof`) or a string/number `enum` (a
 * union of literals of one type, serialized as that type). What cannot be told apart by type
 * (two object shapes, say) stays an `anyOf`. Never changes what is written for a value that
 * matches the schema; it only stops checking which branch a value matches.
 */

type Schema = Record<string, unknown>;

/** Keywords that describe rather than constrain: kept on the rewritten node. */
const ANNOTATIONS = new Set(['description', 'title', 'examples', 'default', '$comment', 'deprecated', 'readOnly', 'writeOnly']);
const SCALAR = new Set(['string', 'number', 'integer', 'boolean']);

export function forSerialization<T>(schema: T): T {
  return rewrite(schema) as T;
}

function rewrite(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewrite);
  if (value === null || typeof value !== 'object') return value;
  const node: Schema = {};
  for (const [key, child] of Object.entries(value)) node[key] = rewrite(child);
  return Array.isArray(node.anyOf) ? (withoutUnion(node) ?? node) : node;
}

/** The `anyOf` node as one schema with a `type` list or an `enum`, or undefined when it must stay a union. */
function withoutUnion(node: Schema): Schema | undefined {
  const { anyOf, ...siblings } = node as Schema & { anyOf: Schema[] };
  if (Object.keys(siblings).some((key) => !ANNOTATIONS.has(key))) return undefined;
  const isNull = (o: Schema) => o.type === 'null' && Object.keys(o).every((k) => k === 'type' || ANNOTATIONS.has(k));
  const nullable = anyOf.some(isNull);
  const rest = anyOf.filter((o) => !isNull(o));
  const withNull = (type: string) => (nullable ? [type, 'null'] : type);
  if (rest.length === 0) return undefined;

  // Literals of one scalar type: that type, the literals as its enum.
  const literalType = rest[0]!.type;
  if (
    typeof literalType === 'string' &&
    SCALAR.has(literalType) &&
    rest.every(
      (o) => 'const' in o && o.type === literalType && Object.keys(o).every((k) => k === 'const' || k === 'type' || ANNOTATIONS.has(k)),
    )
  )
    return { ...siblings, type: withNull(literalType), enum: rest.map((o) => o.const) };

  // One other schema of a single type, without unions of its own at the top: that schema, nullable.
  if (rest.length !== 1) return undefined;
  const [only] = rest as [Schema];
  if (typeof only.type !== 'string' || only.type === 'null' || 'anyOf' in only || 'oneOf' in only || 'allOf' in only || '$ref' in only)
    return undefined;
  // The union's own description wins over the branch's, as it is what documents the field.
  return { ...only, ...siblings, type: withNull(only.type) };
}
