import Type, { type Static } from 'typebox';
import { DisplayName } from './api.js';
import { ConversationSummary } from './conversations.js';
import { Message } from './messages.js';
import { Id, Timestamp } from './primitives.js';
import { Me } from './users.js';
import { Identifier, SingleLine } from './strings.js';

/** Accounts: sign-up and sign-in, and (issue 12) email, password recovery and change, sessions, export, erasure. */
const strict = { additionalProperties: false } as const;

export const Username = Type.String({
  format: 'username',
  minLength: 1,
  maxLength: 128,
  description:
    '3–32 letters and digits of one script, and _ . - (NFKC-normalised: full-width and styled letters become plain ones; unique ignoring case)',
});
export const Password = SingleLine({
  minLength: 8,
  maxLength: 256,
  description: '8–256 characters, any Unicode, no composition rules; the 10,000 most common passwords are refused',
});
export const Email = Type.String({ format: 'email', maxLength: 254 });
/** An invite's token (REGISTRATION=invite), as `confab admin invite` or POST /api/v1/admin/invites gave it. */
export const InviteToken = Identifier({ minLength: 1, maxLength: 128, description: 'A single-use invite token (REGISTRATION=invite)' });

// ---- sign-up and sign-in ----
export const RegisterBody = Type.Object(
  {
    username: Username,
    password: Password,
    displayName: Type.Optional(DisplayName),
    email: Type.Optional(Email),
    invite: Type.Optional(InviteToken),
  },
  strict,
);
export type RegisterBody = Static<typeof RegisterBody>;

export const LoginBody = Type.Object({ username: SingleLine({ minLength: 1, maxLength: 64 }), password: Password }, strict);
export type LoginBody = Static<typeof LoginBody>;

export const RefreshBody = Type.Object({ refreshToken: Identifier({ minLength: 1, maxLength: 512 }) }, strict);
export type RefreshBody = Static<typeof RefreshBody>;

export const AuthResponse = Type.Object(
  {
    user: Me,
    accessToken: Type.String(),
    refreshToken: Type.String(),
    accessTokenExpiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  },
  { title: 'AuthResponse' },
);
export type AuthResponse = Static<typeof AuthResponse>;

// ---- beyond sign-in ----
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

/** Claiming an account an import made (the token from the claim mail) by choosing its password. */
export const ClaimAccountBody = Type.Object({ token: AccountToken, password: Password }, { ...strict, title: 'ClaimAccountBody' });
export type ClaimAccountBody = Static<typeof ClaimAccountBody>;

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
