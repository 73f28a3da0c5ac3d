import Type, { type Static } from 'typebox';
import { ConversationDetail, ConversationSummary, Member, ReadMarker, Role } from './conversations.js';
import { HeldMessage, Message } from './messages.js';
import { Notification } from './notifications.js';
import { Id, Page, Timestamp } from './primitives.js';
import { User } from './users.js';
import { SendContentFields } from './files.js';
import { FreeText, Identifier, SingleLine, VisibleLine, VisibleText } from './strings.js';
import { LocationInput } from './locations.js';
import { MlsSend } from './encrypted-messages.js';
import { PositionInput } from './primitives.js';

/** Request schemas reject unknown fields (`additionalProperties: false`) instead of dropping them. */
const strict = { additionalProperties: false } as const;

export const DisplayName = SingleLine({ minLength: 1, maxLength: 64 });
export const Bio = FreeText({ maxLength: 500 });
export const Limit = Type.Integer({ minimum: 1, maximum: 100 });
export const Cursor = Identifier({ minLength: 1, maxLength: 512, description: 'A `nextCursor` from the previous page' });

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

// ---- conversations ----
export const GroupTitle = VisibleLine({ minLength: 1, maxLength: 100 });
const EncryptedFlag = Type.Optional(
  Type.Boolean({
    description: 'End-to-end encrypted (issue 39). A pair has at most one plain and one encrypted direct conversation',
  }),
);
export const CreateDirectBody = Type.Object({ kind: Type.Literal('direct'), userId: Id, encrypted: EncryptedFlag }, strict);
export const CreateGroupBody = Type.Object(
  {
    kind: Type.Literal('group'),
    title: GroupTitle,
    memberIds: Type.Array(Id, { maxItems: 10_000, uniqueItems: true }),
    encrypted: EncryptedFlag,
  },
  strict,
);
/**
 * One of the two, told apart by `kind` (a discriminator, not a plain union): a bad group body is
 * reported against the group schema only, not also as a direct body missing its `userId`.
 */
export const CreateConversationBody = Type.Unsafe<Static<typeof CreateDirectBody> | Static<typeof CreateGroupBody>>({
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [CreateDirectBody, CreateGroupBody],
});
export type CreateConversationBody = Static<typeof CreateConversationBody>;

export const UpdateConversationBody = Type.Object(
  {
    title: Type.Optional(GroupTitle),
    encrypted: Type.Optional(
      Type.Boolean({
        description: 'true turns end-to-end encryption on for a group (owner or admin); it is never turned off: false answers 400',
      }),
    ),
  },
  { ...strict, minProperties: 1 },
);
export type UpdateConversationBody = Static<typeof UpdateConversationBody>;

export const AddMemberBody = Type.Object({ userId: Id }, strict);
export type AddMemberBody = Static<typeof AddMemberBody>;
export const UpdateMemberBody = Type.Object({ role: Role }, strict);
export type UpdateMemberBody = Static<typeof UpdateMemberBody>;
export const MemberResponse = Type.Object({ conversationId: Id, member: Member }, { title: 'MemberResponse' });
export type MemberResponse = Static<typeof MemberResponse>;

function PageQueryOf() {
  return Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict);
}
export const PageQuery = PageQueryOf();
export type PageQuery = Static<typeof PageQuery>;
export const ConversationListQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    archived: Type.Optional(
      Type.Enum(['include', 'only'], { description: 'Archived conversations are left out unless `include` (all) or `only` (just those)' }),
    ),
  },
  strict,
);
export type ConversationListQuery = Static<typeof ConversationListQuery>;
export const ConversationPage = Type.Object(
  {
    ...Page(ConversationSummary, 'ConversationPage').properties,
    unreadTotal: Type.Integer({ minimum: 0, description: 'Unread messages across all my conversations' }),
  },
  { title: 'ConversationPage' },
);
export type ConversationPage = Static<typeof ConversationPage>;
export const ConversationResponse = Type.Object({ conversation: ConversationDetail }, { title: 'ConversationResponse' });
export type ConversationResponse = Static<typeof ConversationResponse>;

// ---- messages ----
export const ClientId = Identifier({ minLength: 1, maxLength: 64, description: 'Idempotency key chosen by the sender' });
export const MessageBody = VisibleText({ minLength: 1, description: 'At most MAX_MESSAGE_LENGTH code points' });
export const SendMessageBody = Type.Object(
  {
    clientId: ClientId,
    body: Type.Optional(MessageBody),
    location: Type.Optional(LocationInput),
    replyToId: Type.Optional(Id),
    threadRootId: Type.Optional(Id),
    ...SendContentFields,
    mls: Type.Optional(MlsSend),
    scheduledAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'Send it at this time instead of now (a text message; at least a minute and at most a year ahead): 202 with the schedule, 400 schedule_out_of_range outside that window',
      }),
    ),
  },
  {
    ...strict,
    description:
      '`text` (the default) needs `body`; `location` needs `location`, and may have a `body` (a caption); an encrypted conversation takes only `mls` (and `clientId`)',
  },
);
export type SendMessageBody = Static<typeof SendMessageBody>;
export const MessageResponse = Type.Object({ message: Message }, { title: 'MessageResponse' });
export type MessageResponse = Static<typeof MessageResponse>;

export const Seq = PositionInput();
export const HistoryQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    before: Type.Optional(Seq),
    after: Type.Optional(Seq),
    threads: Type.Optional(Type.Enum(['include', 'exclude'], { description: 'Thread replies are left out unless `include`' })),
  },
  strict,
);
export type HistoryQuery = Static<typeof HistoryQuery>;
export const MessagePage = Page(Message, 'MessagePage');
export type MessagePage = Static<typeof MessagePage>;

// ---- one message: edits, deletes, threads, reactions, pins ----
export const EditMessageBody = Type.Object({ body: MessageBody }, strict);
export type EditMessageBody = Static<typeof EditMessageBody>;
export const MessageVersion = Type.Object(
  {
    body: Type.String(),
    editedAt: Timestamp,
  },
  { title: 'MessageVersion', description: 'An earlier body, and when an edit replaced it' },
);
export type MessageVersion = Static<typeof MessageVersion>;
export const MessageVersionList = Type.Object({ items: Type.Array(MessageVersion) }, { title: 'MessageVersionList' });
export type MessageVersionList = Static<typeof MessageVersionList>;
export const ThreadQuery = PageQueryOf();
export type ThreadQuery = Static<typeof ThreadQuery>;
export const MessageList = Type.Object({ items: Type.Array(Message) }, { title: 'MessageList' });
export type MessageList = Static<typeof MessageList>;
/** `POST /api/v1/messages/:id/forward`: per conversation in the order asked, the comment (if any) then the copy. */
export const ForwardResponse = Type.Object(
  {
    messages: Type.Array(Message),
    held: Type.Optional(
      Type.Array(HeldMessage, {
        description: 'Copies or comments held for an admin’s review (the spam screen); present only when there are some',
      }),
    ),
  },
  { title: 'ForwardResponse' },
);
export type ForwardResponse = Static<typeof ForwardResponse>;
/** One of my saved messages (`GET /api/v1/saved`): newest saved first. */
export const SavedMessage = Type.Object({ message: Message, savedAt: Timestamp }, { title: 'SavedMessage' });
export type SavedMessage = Static<typeof SavedMessage>;
export const SavedPage = Page(SavedMessage, 'SavedPage');
export type SavedPage = Static<typeof SavedPage>;
export const ReactionParams = Type.Object(
  {
    id: Id,
    emoji: Type.String({
      format: 'reaction',
      minLength: 1,
      maxLength: 66,
      description: 'URL-encoded: one emoji grapheme, or a `:shortcode:` of a-z 0-9 _ + -',
    }),
  },
  strict,
);
export type ReactionParams = Static<typeof ReactionParams>;

export const RecentMessagesQuery = Type.Object(
  {
    sender: Type.Optional(Id),
    recipient: Type.Optional(Id),
    is_read: Type.Optional(Type.Boolean()),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  strict,
);
export type RecentMessagesQuery = Static<typeof RecentMessagesQuery>;

export const ReadBody = Type.Object({ seq: Seq }, strict);
export type ReadBody = Static<typeof ReadBody>;
export const ReadMarkerResponse = ReadMarker;
export type ReadMarkerResponse = ReadMarker;

export const IdParams = Type.Object({ id: Id }, strict);
export const MemberParams = Type.Object({ id: Id, userId: Id }, strict);

export const HealthResponse = Type.Object({ status: Type.Literal('ok') }, { title: 'HealthResponse' });
/** `GET /readyz`: every dependency the node needs answered (a 503 `unavailable` names those that did not). */
export const ReadyResponse = Type.Object(
  { status: Type.Literal('ok'), checks: Type.Record(Type.String(), Type.Literal('ok')) },
  { title: 'ReadyResponse' },
);

// ---- receipts, typing, presence ----
export const Receipt = Type.Object(
  {
    userId: Id,
    readSeq: Type.Integer({ minimum: 0, description: 'Read up to this seq' }),
    deliveredSeq: Type.Integer({ minimum: 0, description: 'Delivered to a device of theirs up to this seq' }),
  },
  { title: 'Receipt' },
);
export type Receipt = Static<typeof Receipt>;
export const ReceiptList = Type.Object({ items: Type.Array(Receipt) }, { title: 'ReceiptList' });
export type ReceiptList = Static<typeof ReceiptList>;
export const DeliveredBody = ReadBody;
export const DeliveryMarker = Type.Object(
  { conversationId: Id, userId: Id, deliveredSeq: Type.Integer({ minimum: 0 }) },
  { title: 'DeliveryMarker' },
);
export type DeliveryMarker = Static<typeof DeliveryMarker>;

export const TypingBody = Type.Object({ typing: Type.Boolean() }, strict);
export type TypingBody = Static<typeof TypingBody>;

export const Presence = Type.Object(
  {
    userId: Id,
    online: Type.Boolean(),
    lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'When the last connection closed; null while online, if never seen, or hidden by the user',
    }),
  },
  { title: 'Presence' },
);
export type Presence = Static<typeof Presence>;

// ---- notifications ----
export const NotificationQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
  },
  strict,
);
export type NotificationQuery = Static<typeof NotificationQuery>;
export const NotificationPage = Type.Object(
  {
    ...Page(Notification, 'NotificationPage').properties,
    unreadCount: Type.Integer({ minimum: 0, description: 'All my unread notifications' }),
  },
  { title: 'NotificationPage' },
);
export type NotificationPage = Static<typeof NotificationPage>;
export const MarkNotificationsReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'These (mine; others are ignored)' })),
    all: Type.Optional(Type.Literal(true, { description: 'All of mine' })),
  },
  // An object, not a union of two, so that a mistake is one error naming its field; `all` wins.
  { ...strict, minProperties: 1, description: '`{ids}` or `{all: true}`' },
);
export type MarkNotificationsReadBody = Static<typeof MarkNotificationsReadBody>;
export const UnreadNotifications = Type.Object({ unreadCount: Type.Integer({ minimum: 0 }) }, { title: 'UnreadNotifications' });
export type UnreadNotifications = Static<typeof UnreadNotifications>;
