import Type, { type Static } from 'typebox';
import { Email, Password } from './api.js';
import { ConversationSummary, Id, Me, Message, Timestamp } from './models.js';
import { Identifier, SingleLine } from './strings.js';

/** Accounts beyond sign-in (issue 12): email, password recovery and change, sessions, export, erasure. */
const strict = { additionalProperties: false } as const;

/** A token from a mail (email verification, password reset): 256 random bits, base64url. */
export const AccountToken = Identifier({ minLength: 16, maxLength: 128, description: 'The token from the link or code in the mail' });
/** The password as it is now, checked against the stored hash (it may predate today's rules). */
export const CurrentPassword = SingleLine({ minLength: 1, maxLength: 256 });

export const VerifyEmailBody = Type.Object({ token: AccountToken }, strict);
export type VerifyEmailBody = Static<typeof VerifyEmailBody>;
export const VerifyEmailResponse = Type.Object(
  { email: Type.String(), emailVerified: Type.Literal(true) },
  { title: 'VerifyEmailResponse' },
);
export type VerifyEmailResponse = Static<typeof VerifyEmailResponse>;

export const ChangeEmailBody = Type.Object({ email: Email, password: CurrentPassword }, strict);
export type ChangeEmailBody = Static<typeof ChangeEmailBody>;

export const ForgotPasswordBody = Type.Object(
  { login: SingleLine({ minLength: 1, maxLength: 254, description: 'A username or an email address' }) },
  strict,
);
export type ForgotPasswordBody = Static<typeof ForgotPasswordBody>;
export const ForgotPasswordResponse = Type.Object(
  { accepted: Type.Literal(true), message: Type.String() },
  { title: 'ForgotPasswordResponse', description: 'The same answer whether or not an account matches' },
);
export type ForgotPasswordResponse = Static<typeof ForgotPasswordResponse>;

export const ResetPasswordBody = Type.Object({ token: AccountToken, password: Password }, strict);
export type ResetPasswordBody = Static<typeof ResetPasswordBody>;

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: CurrentPassword,
    newPassword: Password,
    keepOtherSessions: Type.Optional(Type.Boolean({ description: 'Keep my other sessions signed in (default: they are ended)' })),
  },
  strict,
);
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;

export const SessionsEndedResponse = Type.Object(
  { sessionsEnded: Type.Integer({ minimum: 0, description: 'How many sessions were ended (their sockets closed with 4403)' }) },
  { title: 'SessionsEndedResponse' },
);
export type SessionsEndedResponse = Static<typeof SessionsEndedResponse>;

export const SessionInfo = Type.Object(
  {
    id: Id,
    createdAt: Timestamp,
    lastUsedAt: Timestamp,
    userAgent: Type.Union([Type.String(), Type.Null()]),
    ip: Type.Union([Type.String(), Type.Null()]),
    current: Type.Boolean({ description: 'Whether this is the session of the token that asked' }),
  },
  { title: 'SessionInfo' },
);
export type SessionInfo = Static<typeof SessionInfo>;
export const SessionList = Type.Object({ items: Type.Array(SessionInfo) }, { title: 'SessionList' });
export type SessionList = Static<typeof SessionList>;

export const DeleteMeBody = Type.Object(
  {
    password: CurrentPassword,
    eraseMessages: Type.Optional(
      Type.Boolean({ description: 'Also delete every message I wrote (tombstones); by default they stay, under "Deleted user"' }),
    ),
  },
  strict,
);
export type DeleteMeBody = Static<typeof DeleteMeBody>;

export const ReceiptExport = Type.Object(
  { conversationId: Id, readSeq: Type.Integer(), deliveredSeq: Type.Integer() },
  { title: 'ReceiptExport' },
);
export type ReceiptExport = Static<typeof ReceiptExport>;

/** `GET /api/v1/users/me/export`: streamed as it is read, in this key order. */
export const UserExport = Type.Object(
  {
    exportedAt: Timestamp,
    profile: Me,
    sessions: Type.Array(SessionInfo),
    conversations: Type.Array(ConversationSummary),
    messages: Type.Array(Message, { description: 'Every message I wrote, oldest first (tombstones included)' }),
    receipts: Type.Array(ReceiptExport, { description: 'My read and delivery markers, per conversation' }),
  },
  { title: 'UserExport' },
);
export type UserExport = Static<typeof UserExport>;
