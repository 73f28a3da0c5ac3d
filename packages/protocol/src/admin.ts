import Type, { type Static } from 'typebox';
import { Id, Page, Timestamp } from './primitives.js';
import { Cursor, Limit } from './api.js';
import { SingleLine } from './strings.js';

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

// ---- users, as an operator sees them ----

const strict = { additionalProperties: false } as const;

export const AdminUserQuery = Type.Object(
  {
    q: Type.Optional(SingleLine({ maxLength: 64, description: 'Username prefix, display-name or email substring (ignoring case)' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  strict,
);
export type AdminUserQuery = Static<typeof AdminUserQuery>;

export const AdminUser = Type.Object(
  {
    id: Id,
    username: Type.String(),
    displayName: Type.String(),
    email: Type.Union([Type.String(), Type.Null()]),
    emailVerified: Type.Boolean(),
    isAdmin: Type.Boolean(),
    deactivatedAt: Type.Union([Timestamp, Type.Null()], { description: 'Set while the account is deactivated: it cannot sign in' }),
    deletedAt: Type.Union([Timestamp, Type.Null()], { description: 'When the account was erased by its owner' }),
    createdAt: Timestamp,
    lastSeenAt: Type.Union([Timestamp, Type.Null()], { description: 'Last seen online (whatever hideLastSeen says)' }),
    lastActiveAt: Type.Union([Timestamp, Type.Null()], {
      description: 'Last activity: the later of lastSeenAt and the last sign-in or token refresh of any session',
    }),
  },
  { title: 'AdminUser' },
);
export type AdminUser = Static<typeof AdminUser>;

export const AdminUserPage = Page(AdminUser, 'AdminUserPage');
export type AdminUserPage = Static<typeof AdminUserPage>;

export const AdminUserResponse = Type.Object({ user: AdminUser }, { title: 'AdminUserResponse' });
export type AdminUserResponse = Static<typeof AdminUserResponse>;

export const AdminResetSentResponse = Type.Object(
  { sent: Type.Literal(true), message: Type.String() },
  { title: 'AdminResetSentResponse', description: 'A reset link was mailed to the verified address' },
);
export type AdminResetSentResponse = Static<typeof AdminResetSentResponse>;

// ---- the instance ----

export const NodeStats = Type.Object(
  {
    id: Type.String({ description: 'Chosen by the node at start-up' }),
    host: Type.String(),
    pid: Type.Integer(),
    sockets: Type.Integer({ minimum: 0, description: 'WebSocket connections open on the node at its last report' }),
    startedAt: Timestamp,
    reportedAt: Timestamp,
  },
  { title: 'NodeStats' },
);
export type NodeStats = Static<typeof NodeStats>;

export const InstanceStats = Type.Object(
  {
    users: Type.Object({
      total: Type.Integer({ minimum: 0, description: 'Every account, erased ones included' }),
      admins: Type.Integer({ minimum: 0 }),
      deactivated: Type.Integer({ minimum: 0 }),
      erased: Type.Integer({ minimum: 0 }),
    }),
    conversations: Type.Integer({ minimum: 0 }),
    messages: Type.Integer({ minimum: 0 }),
    sockets: Type.Integer({ minimum: 0, description: 'The sum over the nodes' }),
    nodes: Type.Array(NodeStats, { description: 'The nodes that reported in the last minute, this one first' }),
  },
  { title: 'InstanceStats' },
);
export type InstanceStats = Static<typeof InstanceStats>;

// ---- the audit log ----

export const AuditQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict);
export type AuditQuery = Static<typeof AuditQuery>;

export const AuditEntry = Type.Object(
  {
    id: Id,
    at: Timestamp,
    type: Type.String({
      description:
        'What happened: `admin.*` (an admin action), `login.failed`, `password.*`, `email.*`, `session.ended`, `sessions.ended_all`, `account.erased`, `rate_limit.tripped`',
    }),
    actorId: Type.Union([Id, Type.Null()], { description: 'The admin who acted (null: the operator, with the CLI; or no admin action)' }),
    userId: Type.Union([Id, Type.Null()], { description: 'The account concerned, when known' }),
    ip: Type.Union([Type.String(), Type.Null()]),
    details: Type.Object({}, { additionalProperties: true, description: 'The rest of the event (counts, limit names, keys)' }),
  },
  { title: 'AuditEntry' },
);
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditPage = Page(AuditEntry, 'AuditPage');
export type AuditPage = Static<typeof AuditPage>;
