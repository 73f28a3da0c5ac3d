// Request and response shapes of the REST API: the pieces shared across areas, the user and health
// calls here; the rest by area (conversation-requests.ts, message-requests.ts,
// receipt-requests.ts, notification-requests.ts, and the feature modules).
import Type, { type Static } from 'typebox';
import { Id, Page } from './primitives.js';
import { User } from './users.js';
import { FreeText, SingleLine } from './strings.js';
import { Cursor, Limit, PageQueryOf, strict } from './request-parts.js';

export { Cursor, Limit } from './request-parts.js';

export const DisplayName = SingleLine({ minLength: 1, maxLength: 64 });
export const Bio = FreeText({ maxLength: 500 });

/** A BCP 47 language tag: its shape here, its validity (Intl.getCanonicalLocales) in the user service. */
export const Locale = Type.String({ minLength: 2, maxLength: 35, pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$' });

export const UpdateMeBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    bio: Type.Optional(Bio),
    timeZone: Type.Optional(
      Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Null()], {
        description: 'An IANA time zone Intl knows (e.g. `Europe/Paris`), else 400 validation_failed; null clears it',
      }),
    ),
    hideLastSeen: Type.Optional(Type.Boolean({ description: 'Privacy: others see no lastSeenAt' })),
    locale: Type.Optional(
      Type.Union([Locale, Type.Null()], { description: 'My language (a BCP 47 tag such as `ru` or `pt-BR`); null forgets it' }),
    ),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateMeBody = Static<typeof UpdateMeBody>;

export const UserSearchQuery = Type.Object(
  { q: Type.Optional(SingleLine({ maxLength: 64 })), limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) },
  strict,
);
export type UserSearchQuery = Static<typeof UserSearchQuery>;
export const UserPage = Page(User, 'UserPage');
export type UserPage = Static<typeof UserPage>;

// ---- blocking ----
/** `PUT`/`DELETE /api/v1/users/:id/block`: whether I now block that user. */
export const BlockResponse = Type.Object({ blocked: Type.Boolean() }, { title: 'BlockResponse' });
export type BlockResponse = Static<typeof BlockResponse>;

export const PageQuery = PageQueryOf();
export type PageQuery = Static<typeof PageQuery>;

export const IdParams = Type.Object({ id: Id }, strict);
export const MemberParams = Type.Object({ id: Id, userId: Id }, strict);

export const HealthResponse = Type.Object({ status: Type.Literal('ok') }, { title: 'HealthResponse' });
/** `GET /readyz`: every dependency the node needs answered (a 503 `unavailable` names those that did not). */
export const ReadyResponse = Type.Object(
  { status: Type.Literal('ok'), checks: Type.Record(Type.String(), Type.Literal('ok')) },
  { title: 'ReadyResponse' },
);
