// What request schemas share across areas (api.ts and the *-requests.ts modules): unknown
// fields refused, a page's limit and cursor. Not exported from the package: api.ts re-exports the
// public ones.
import Type from 'typebox';
import { Identifier } from './strings.js';

/** Request schemas reject unknown fields (`additionalProperties: false`) instead of dropping them. */
export const strict = { additionalProperties: false } as const;

export const Limit = Type.Integer({ minimum: 1, maximum: 100 });
export const Cursor = Identifier({ minLength: 1, maxLength: 512, description: 'A `nextCursor` from the previous page' });

export function PageQueryOf() {
  return Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict);
}
