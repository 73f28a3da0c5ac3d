import { Id, PositionInput, SingleLine } from '@confab/protocol';
import type { ValidateFunction } from 'ajv';
import type { Static, TSchema } from 'typebox';
import { invalid } from '../errors.js';
import { jsonValidator } from '../schema-validator.js';

/** Opaque pagination cursors: base64url JSON, so clients cannot depend on their content. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The fields a cursor may hold, each as strict as the column it is compared with: a cursor is
 * client text, and a `1.5` or `1e300` where a bigint goes, or a NUL where text goes, would reach
 * the database (PostgreSQL answers those with an error, SQLite takes them). Checked here, so every
 * engine answers 400 alike.
 */
export const CursorFields = {
  /** A row id (UUIDv7 text). */
  id: Id,
  /** A time in ms or a seq: an integer every engine can compare. */
  integer: PositionInput(),
  /** A sort key of text (a username's key). */
  text: SingleLine({ minLength: 1, maxLength: 256 }),
};

const compiled = new WeakMap<TSchema, ValidateFunction>();

/** The cursor's value, if it is one this server issued (its JSON matches `schema`); otherwise 400. */
export function decodeCursor<S extends TSchema>(cursor: string, schema: S): Static<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('cursor is not one this server issued');
  }
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = jsonValidator.compile(schema)));
  if (!validate(value)) throw invalid('cursor is not one this server issued');
  return value as Static<S>;
}
