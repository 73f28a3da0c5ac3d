import Type, { type Static } from 'typebox';
import { Attachment, VoiceInfo } from './files.js';
import { Poll } from './polls.js';
import { ForwardedFrom } from './forwarding.js';
import { LinkPreview } from './link-previews.js';
import { EncryptedEnvelopeFields } from './encrypted-messages.js';
import { Location } from './locations.js';
import { Id, Nullable, Timestamp } from './primitives.js';

export const MessageKind = Type.Union(
  [
    Type.Literal('text'),
    Type.Literal('system'),
    Type.Literal('attachment'),
    Type.Literal('voice'),
    Type.Literal('location'),
    Type.Literal('poll'),
    Type.Literal('encrypted'),
  ],
  {
    description:
      '`text`: written by a user; `system`: written by the server (membership and title changes); `attachment`: files with an optional caption (`body`); `voice`: a voice note; `location`: a place a user shares (`location`), live until `location.liveUntil`; `poll`: a question (`body`) with options to vote on (`poll`); `encrypted`: an MLS message of an end-to-end encrypted conversation (`ciphertext`, no `body`)',
  },
);
export type MessageKind = Static<typeof MessageKind>;

/** One emoji on a message: who reacted with it. */
export const Reaction = Type.Object(
  {
    emoji: Type.String({ description: 'One emoji grapheme or a `:shortcode:`' }),
    count: Type.Integer({ minimum: 1 }),
    userIds: Type.Array(Id, { description: 'Who reacted, in the order they did' }),
  },
  { title: 'Reaction' },
);
export type Reaction = Static<typeof Reaction>;

/** The message a reply quotes, so a client can show the quote without a second request. */
export const ReplyPreview = Type.Object(
  {
    id: Id,
    senderId: Id,
    excerpt: Type.String({ description: 'The start of its body (empty once deleted, and in an encrypted conversation)' }),
    deleted: Type.Boolean(),
    seq: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Its place in the conversation: where to jump, and in an encrypted conversation where a device finds the text it decrypted (absent from events logged before it was added)',
      }),
    ),
  },
  { title: 'ReplyPreview' },
);
export type ReplyPreview = Static<typeof ReplyPreview>;

/** What a `system` message records, for clients to render in their own words. */
export const SystemInfo = Type.Object(
  {
    action: Type.Union([
      Type.Literal('member_added'),
      Type.Literal('member_removed'),
      Type.Literal('member_left'),
      Type.Literal('title_changed'),
      Type.Literal('encryption_enabled'),
    ]),
    actorId: Id,
    userId: Type.Optional(Id),
    title: Type.Optional(Type.String()),
  },
  { title: 'SystemInfo' },
);
export type SystemInfo = Static<typeof SystemInfo>;
export const Message = Type.Object(
  {
    id: Id,
    conversationId: Id,
    seq: Type.Integer({ minimum: 1, description: 'Position in the conversation: 1, 2, 3 … without gaps' }),
    senderId: Id,
    clientId: Type.String({ description: "The sender's idempotency key" }),
    kind: MessageKind,
    body: Type.Optional(
      Type.String({ description: 'Empty once deleted; absent on an `encrypted` message (its content is in `ciphertext`)' }),
    ),
    createdAt: Timestamp,
    editedAt: Nullable(Timestamp, 'When the body was last edited'),
    deletedAt: Nullable(Timestamp, 'Set on a tombstone: the body, reactions and mentions are gone'),
    replyToId: Nullable(Id, 'The message this one quotes'),
    replyTo: Nullable(ReplyPreview),
    threadRootId: Nullable(
      Id,
      'The thread this message belongs to (the root message); thread replies are left out of the main history by default',
    ),
    replyCount: Type.Integer({ minimum: 0, description: "A thread root's number of replies (0 for other messages)" }),
    lastReplyAt: Nullable(Timestamp, "A thread root's newest reply"),
    reactions: Type.Array(Reaction, { description: 'By first use' }),
    mentions: Type.Array(Id, { description: 'Users mentioned in the body (`@username`, or every member for `@all`), the author never' }),
    pinnedAt: Nullable(Timestamp),
    pinnedBy: Nullable(Id),
    system: Type.Optional(SystemInfo),
    location: Type.Optional(Location),
    attachments: Type.Optional(
      Type.Array(Attachment, { description: 'On `attachment` and `voice` messages: the files, in the order sent (gone once deleted)' }),
    ),
    voice: Type.Optional(VoiceInfo),
    poll: Type.Optional(Poll),
    forwardedFrom: Type.Optional(ForwardedFrom),
    preview: Type.Optional(
      Type.Union([LinkPreview, Type.Null()], {
        description:
          'The card of the first http(s) link of a text message, set by the server shortly after the send or an edit that changes that link; null once its sender removed it. Absent while there is none',
      }),
    ),
    ...EncryptedEnvelopeFields,
  },
  { title: 'Message' },
);
export type Message = Static<typeof Message>;
/** A message held for review: what was sent, not yet in its conversation (no seq). */
export const HeldMessage = Type.Object(
  {
    id: Id,
    conversationId: Id,
    senderId: Id,
    clientId: Type.String(),
    kind: Type.String(),
    body: Type.String(),
    createdAt: Type.String({ format: 'date-time' }),
    replyToId: Type.Union([Id, Type.Null()]),
    threadRootId: Type.Union([Id, Type.Null()]),
  },
  { title: 'HeldMessage' },
);
export type HeldMessage = Static<typeof HeldMessage>;
