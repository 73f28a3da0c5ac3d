import Type, { type Static, type TSchema } from 'typebox';
import { Attachment, VoiceInfo } from './files.js';
import { Poll } from './polls.js';
import { ForwardedFrom } from './forwarding.js';
import { LinkPreview } from './link-previews.js';
import { EncryptedEnvelopeFields } from './encrypted-messages.js';
import { Id, PositionInput, Timestamp } from './primitives.js';

// Id and Timestamp live in primitives.ts so files.ts can use them without an import cycle.
export { Id, PositionInput, Timestamp };

export const Page = <T extends TSchema>(item: T, title: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` for the next page; null on the last page',
      }),
    },
    { title },
  );

export const User = Type.Object(
  {
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

const Nullable = <T extends TSchema>(schema: T, description?: string) =>
  Type.Union([schema, Type.Null()], description === undefined ? {} : { description });

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

export const Latitude = Type.Number({ minimum: -90, maximum: 90, description: 'Degrees north (WGS 84)' });
export const Longitude = Type.Number({ minimum: -180, maximum: 180, description: 'Degrees east (WGS 84)' });

/** A shared place; a live one is moved by its author (`PATCH /api/v1/messages/:id/location`) until `liveUntil`. */
export const Location = Type.Object(
  {
    lat: Latitude,
    lng: Longitude,
    accuracyM: Nullable(Type.Number({ minimum: 0 }), 'Radius of uncertainty, metres'),
    label: Nullable(Type.String(), 'A name for the place'),
    liveUntil: Nullable(Timestamp, 'A live location is updated until then (past once it ended or was stopped); null: a fixed place'),
  },
  { title: 'Location' },
);
export type Location = Static<typeof Location>;

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

export const ConversationKind = Type.Union([Type.Literal('direct'), Type.Literal('group')]);
export type ConversationKind = Static<typeof ConversationKind>;

// An enum rather than a union of literals: one error for a bad value, not one per member.
export const Role = Type.Enum(['owner', 'admin', 'member']);
export type Role = Static<typeof Role>;

export const Member = Type.Object(
  {
    userId: Id,
    role: Role,
    joinedAt: Timestamp,
  },
  { title: 'Member' },
);
export type Member = Static<typeof Member>;

/** What every member sees alike; carried by realtime events. */
export const ConversationInfo = Type.Object(
  {
    id: Id,
    kind: ConversationKind,
    title: Type.Union([Type.String(), Type.Null()]),
    createdBy: Id,
    createdAt: Timestamp,
    lastSeq: Type.Integer({ minimum: 0 }),
    lastActivityAt: Timestamp,
    memberCount: Type.Integer({ minimum: 0 }),
    encrypted: Type.Boolean({
      description: 'End-to-end encrypted (MLS): the server holds only ciphertext; never turned off once on',
    }),
    description: Type.Optional(
      Type.String({ maxLength: 250, description: "A group's description (an imported channel's topic); absent without one" }),
    ),
  },
  { title: 'ConversationInfo' },
);
export type ConversationInfo = Static<typeof ConversationInfo>;

/** My own settings of a conversation: nobody else sees them. */
export const ConversationSettings = Type.Object(
  {
    muted: Type.Boolean({ description: 'Muted: still counts unread, but notifies me only when I am mentioned' }),
    starred: Type.Boolean({ description: 'Starred: pinned to the top of my list' }),
    archived: Type.Boolean({ description: 'Hidden from my list (unless `?archived=include`) until a new message arrives' }),
    clearedSeq: Type.Integer({
      minimum: 0,
      description: 'I cleared my history up to this seq: my history, thread listings and lastMessage start after it',
    }),
  },
  { title: 'ConversationSettings' },
);
export type ConversationSettings = Static<typeof ConversationSettings>;

/** One entry of my conversation list: the shared info plus my own view of it. */
export const ConversationSummary = Type.Object(
  {
    ...ConversationInfo.properties,
    myRole: Role,
    readSeq: Type.Integer({ minimum: 0, description: 'My read marker: I have read up to this seq' }),
    lastPos: Type.Integer({ minimum: 0, description: "`pos` of the conversation's newest event (compare with `heads`)" }),
    unreadCount: Type.Integer({
      minimum: 0,
      description: 'Main-timeline messages from others after my read marker (thread-only replies count in their thread)',
    }),
    mentionCount: Type.Integer({ minimum: 0, description: 'Unread messages that mention me, in the main timeline or a thread' }),
    unreadThreads: Type.Integer({ minimum: 0, description: 'Threads I follow that have replies I have not read' }),
    lastMessage: Type.Union([Message, Type.Null()]),
    peerId: Type.Union([Id, Type.Null()], { description: 'The other user of a direct conversation' }),
    ...ConversationSettings.properties,
  },
  { title: 'ConversationSummary' },
);
export type ConversationSummary = Static<typeof ConversationSummary>;

export const ConversationDetail = Type.Object(
  {
    ...ConversationSummary.properties,
    members: Type.Array(Member),
  },
  { title: 'ConversationDetail' },
);
export type ConversationDetail = Static<typeof ConversationDetail>;

export const ReadMarker = Type.Object(
  {
    conversationId: Id,
    userId: Id,
    readSeq: Type.Integer({ minimum: 0 }),
    unreadCount: Type.Integer({ minimum: 0 }),
    mentionCount: Type.Integer({ minimum: 0, description: 'Unread messages that mention this member' }),
  },
  { title: 'ReadMarker' },
);
export type ReadMarker = Static<typeof ReadMarker>;

export const NotificationKind = Type.Union(
  [
    Type.Literal('mention'),
    Type.Literal('reply'),
    Type.Literal('thread_reply'),
    Type.Literal('reaction'),
    Type.Literal('added_to_conversation'),
  ],
  { description: 'What happened: I was mentioned, replied to, answered in a thread I am in, reacted to, or added to a conversation' },
);
export type NotificationKind = Static<typeof NotificationKind>;

/** Something someone else did that concerns me. Never about my own actions. */
export const Notification = Type.Object(
  {
    id: Id,
    kind: NotificationKind,
    conversationId: Id,
    messageId: Type.Union([Id, Type.Null()], { description: 'The message concerned (null for added_to_conversation)' }),
    actorId: Id,
    createdAt: Timestamp,
    readAt: Type.Union([Timestamp, Type.Null()]),
  },
  { title: 'Notification' },
);
export type Notification = Static<typeof Notification>;

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
