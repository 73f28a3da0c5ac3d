import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './primitives.js';

/** What everyone sees of a person, and the start of their own record (`Me`). */
const profileFields = {
  id: Id,
  username: Type.String(),
  displayName: Type.String(),
  bio: Type.String(),
  timeZone: Type.Optional(
    Type.String({ description: "The person's IANA time zone (e.g. `Europe/Paris`), for their local time; absent until they set it" }),
  ),
  avatarUrl: Type.Union([Type.String(), Type.Null()], {
    description:
      'Where their picture is (`GET /api/v1/users/{id}/avatar?size=64|256&v=…`, with the bearer token; immutable per `v`); null without one: show initials',
  }),
  createdAt: Timestamp,
};

export const User = Type.Object(
  {
    ...profileFields,
    deleted: Type.Optional(
      Type.Literal(true, { description: 'Present on an erased account: its profile is blank, its messages stay under "Deleted user"' }),
    ),
    deactivated: Type.Optional(
      Type.Literal(true, {
        description:
          'Present while an admin has the account deactivated: it is out of the directory (but for admins), and a new or existing direct conversation with it refuses sends (409 user_deactivated)',
      }),
    ),
  },
  { title: 'User' },
);
export type User = Static<typeof User>;

/** The signed-in user's own record: the public fields plus private ones. */
export const Me = Type.Object(
  {
    ...profileFields,
    email: Type.Union([Type.String(), Type.Null()]),
    emailVerified: Type.Boolean({ description: 'Whether `email` was confirmed through the link sent to it' }),
    isAdmin: Type.Boolean(),
    hideLastSeen: Type.Boolean(),
    locale: Type.Optional(
      Type.String({
        description:
          "My language, a BCP 47 tag (canonical form, `en-GB`), when set (PATCH /users/me; the web app sends the browser's). Search does not use it: a message too short to detect its language is stemmed in every supported language (docs/search.md)",
      }),
    ),
  },
  { title: 'Me' },
);
export type Me = Static<typeof Me>;
