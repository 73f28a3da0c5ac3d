// Messages over REST: sending, history pages, and one message's edits, versions, threads,
// forwards, saves and reactions.
import Type, { type Static } from 'typebox';
import { HeldMessage, Message } from './messages.js';
import { Id, Page, PositionInput, Timestamp } from './primitives.js';
import { SendContentFields } from './files.js';
import { Identifier, VisibleText } from './strings.js';
import { LocationInput } from './locations.js';
import { MlsSend } from './encrypted-messages.js';
import { Cursor, Limit, PageQueryOf, strict } from './request-parts.js';

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
