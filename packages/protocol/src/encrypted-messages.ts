import Type, { type Static } from 'typebox';
import { Base64Url, DeviceId } from './encryption.js';
import { Id } from './primitives.js';

/**
 * End-to-end encrypted conversations, part 2 (issue 39, decision 0027): MLS messages travel in the
 * conversation's own gap-free sequence as messages of kind `encrypted`. The server checks commits
 * (PublicMessages) against the conversation's roles and epoch; it never sees an application
 * message's plaintext.
 */

const strict = { additionalProperties: false } as const;

/** An application message, a Welcome or a commit: at most this many bytes once decoded. */
export const MAX_MLS_MESSAGE_BYTES = 256 * 1024;
/** The GroupInfo (with its ratchet tree) a commit leaves behind: at most this many bytes. */
export const MAX_GROUP_INFO_BYTES = 512 * 1024;

const base64Length = (bytes: number) => Math.ceil((bytes * 4) / 3);

export const MlsMessageType = Type.Enum(['application', 'commit', 'welcome'], {
  description:
    '`application`: a PrivateMessage carrying the content; `commit`: a PublicMessage commit that moves the group to the next epoch; `welcome`: the Welcome for the devices a commit added',
});
export type MlsMessageType = Static<typeof MlsMessageType>;

/**
 * The one thing about an application message's content the server may see (issue 39: "which
 * message an edit, delete, reaction or reply relates to may stay visible"): that it is a reaction
 * to, or an edit of, another message, and which. Such a message is not one people read: it is never
 * unread, never a conversation's last message, and sending it marks nothing read. The reaction's
 * key and the edit's text stay inside the MLS message.
 */
export const MlsRelation = Type.Object(
  {
    type: Type.Enum(['reaction', 'edit', 'vote', 'close'], {
      description: 'What the encrypted content does to the message it relates to: react, edit, vote on its poll, close its poll',
    }),
    messageId: Id,
  },
  {
    ...strict,
    title: 'MlsRelation',
    description:
      'An application message that reacts to, edits, votes on or closes `messageId` (an application message of this conversation, not deleted; an edit or close only of my own): not counted unread nor listed as the last message',
  },
);
export type MlsRelation = Static<typeof MlsRelation>;

/** What a device sends instead of a `body` into an encrypted conversation (REST body and `message.send` frame alike). */
export const MlsSend = Type.Object(
  {
    type: MlsMessageType,
    ciphertext: Base64Url({
      minLength: 1,
      maxLength: base64Length(MAX_MLS_MESSAGE_BYTES),
      description: `The MLSMessage (or Welcome), at most ${MAX_MLS_MESSAGE_BYTES} bytes`,
    }),
    epoch: Type.Integer({
      minimum: 0,
      description: 'The epoch the message was made in; a commit is refused (409 epoch_conflict) unless it is the current one',
    }),
    senderDevice: DeviceId,
    groupInfo: Type.Optional(
      Base64Url({
        minLength: 1,
        maxLength: base64Length(MAX_GROUP_INFO_BYTES),
        description: 'With a commit (required): the GroupInfo of the epoch it makes, with the ratchet tree',
      }),
    ),
    devices: Type.Optional(
      Type.Array(DeviceId, {
        minItems: 1,
        maxItems: 10_000,
        uniqueItems: true,
        description: 'With a welcome (required): the devices it is for, each an active device of a member',
      }),
    ),
    relatesTo: Type.Optional(MlsRelation),
  },
  { ...strict, title: 'MlsSend' },
);
export type MlsSend = Static<typeof MlsSend>;

/** What a Message of kind `encrypted` carries instead of a body: the envelope as stored. */
export const EncryptedEnvelopeFields = {
  encrypted: Type.Optional(
    Type.Literal(true, { description: 'Set on every message of an encrypted conversation sent as MLS (kind `encrypted`)' }),
  ),
  mls: Type.Optional(MlsMessageType),
  ciphertext: Type.Optional(Type.String({ description: 'The MLS message, URL-safe base64: only member devices can read it' })),
  epoch: Type.Optional(Type.Integer({ minimum: 0, description: 'The MLS epoch it was made in' })),
  senderDevice: Type.Optional(Type.String({ description: 'The device that sent it' })),
  devices: Type.Optional(Type.Array(Type.String(), { description: 'A welcome: the devices it is for' })),
  relatesTo: Type.Optional(MlsRelation),
  logPos: Type.Optional(
    Type.Integer({
      minimum: 1,
      description:
        "The position of its `message.created` event in the log (the event's `pos`): members compare it with a revoked device's `revokedPos`. Absent on MLS messages stored before it existed",
    }),
  ),
};

/** `GET /api/v1/conversations/:id/mls`: the group state a device needs to take part. */
export const MlsGroupState = Type.Object(
  {
    conversationId: Type.String(),
    groupId: Type.String({ description: "The MLS group id, URL-safe base64 (the conversation id's UTF-8 bytes)" }),
    ciphersuite: Type.Integer({ description: 'The MLS ciphersuite id (1)' }),
    epoch: Type.Integer({ minimum: 0, description: 'The current epoch: the next commit must be made in it' }),
    groupInfo: Type.Union([Type.String(), Type.Null()], {
      description: "The latest commit's GroupInfo (with the ratchet tree), null before the first commit",
    }),
  },
  { title: 'MlsGroupState' },
);
export type MlsGroupState = Static<typeof MlsGroupState>;

/** `POST /api/v1/conversations/:id/mls/decrypt-failures`: counts and epochs only, never content. */
export const DecryptFailureReport = Type.Object(
  {
    count: Type.Integer({ minimum: 1, maximum: 10_000 }),
    epochs: Type.Array(Type.Integer({ minimum: 0 }), { maxItems: 100, description: 'The epochs of the messages that failed' }),
    reason: Type.Enum(['epoch_expired', 'malformed_message', 'wrong_group', 'untrusted_credential', 'other']),
  },
  { ...strict, title: 'DecryptFailureReport' },
);
export type DecryptFailureReport = Static<typeof DecryptFailureReport>;
