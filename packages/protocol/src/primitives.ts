import Type, { type TSchema } from 'typebox';
import { Identifier } from './strings.js';

/** Server-assigned identifier (UUIDv7 text: time-ordered, not guessable). */
export const Id = Identifier({ minLength: 1, maxLength: 64 });
export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601, UTC' });
/**
 * A position a client sends (a seq, an event `pos`): an integer from 0 to 2^53 − 1. The bound is
 * what every engine can compare with (PostgreSQL's bigint refuses more; JavaScript numbers lose
 * integers beyond it), so an out-of-range value is a 400 at the schema on every engine, never a 500.
 */
export const PositionInput = (options: { minimum?: number; description?: string } = {}) =>
  Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...options });

/** A page of a list: its items and the cursor of the next page. */
export const Page = <T extends TSchema>(item: T, title: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last page',
      }),
    },
    { title },
  );

/** A field that may be null, with what null means. */
export const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });
