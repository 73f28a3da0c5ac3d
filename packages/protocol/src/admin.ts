import Type, { type Static } from 'typebox';
import { Id, Timestamp } from './models.js';

/** Instance administration (the `confab admin create` users): `/api/v1/admin/*`. */

export const CreateInviteBody = Type.Object(
  {
    expiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 60, maximum: 365 * 86_400, description: 'Lifetime; at most INVITE_TTL_SECONDS (the default)' }),
    ),
  },
  { additionalProperties: false },
);
export type CreateInviteBody = Static<typeof CreateInviteBody>;

export const Invite = Type.Object(
  {
    id: Id,
    token: Type.String({ description: 'Shown once: the server keeps only its hash. Sign up with it as `invite`' }),
    createdAt: Timestamp,
    expiresAt: Timestamp,
  },
  { title: 'Invite' },
);
export type Invite = Static<typeof Invite>;

export const InviteResponse = Type.Object({ invite: Invite }, { title: 'InviteResponse' });
export type InviteResponse = Static<typeof InviteResponse>;
