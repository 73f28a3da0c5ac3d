import Type, { type Static } from 'typebox';
import { Cursor, Limit } from './api.js';
import { ConversationSummary } from './conversations.js';
import { HeldMessage, Message } from './messages.js';
import { User } from './users.js';
import { Id, PositionInput } from './primitives.js';
import { SingleLine, VisibleText } from './strings.js';

/**
 * Assist (issue 40): help keeping up, computed on the instance from its own data; no model, no
 * download, nothing sent anywhere (docs/assist.md). A feature that is off, for the instance
 * (ASSIST=off) or for me, answers 403 `assist_disabled`.
 */
const strict = { additionalProperties: false } as const;

export const AssistSettings = Type.Object(
  {
    enabled: Type.Boolean({ description: 'Assist as a whole: false turns every feature below off for me' }),
    needsReply: Type.Boolean({ description: 'The "Needs reply" list (`GET /api/v1/assist/needs-reply`)' }),
    catchUp: Type.Boolean({ description: 'Summaries of what I missed (`GET /api/v1/conversations/:id/catch-up`)' }),
    replySuggestions: Type.Boolean({ description: 'Suggested replies (not served yet: kept for when they are)' }),
  },
  { title: 'AssistSettings' },
);
export type AssistSettings = Static<typeof AssistSettings>;

/** `GET` / `PATCH /api/v1/users/me/settings`. */
export const UserSettings = Type.Object(
  { assist: AssistSettings },
  {
    title: 'UserSettings',
    description: 'My settings; whether the instance has Assist at all is `features.assist` of `GET /api/v1/config`',
  },
);
export type UserSettings = Static<typeof UserSettings>;

export const UpdateUserSettingsBody = Type.Object(
  { assist: Type.Partial(Type.Object(AssistSettings.properties, strict), { ...strict, minProperties: 1 }) },
  strict,
);
export type UpdateUserSettingsBody = Static<typeof UpdateUserSettingsBody>;

export const NeedsReplyReason = Type.Union(
  [Type.Literal('question'), Type.Literal('mention'), Type.Literal('reply'), Type.Literal('request')],
  {
    description:
      'question or request: a direct message that asks something (a question mark, an interrogative word, a request phrase); mention: it mentions me; reply: it replies to my message',
  },
);
export type NeedsReplyReason = Static<typeof NeedsReplyReason>;

export const NeedsReplyItem = Type.Object(
  {
    message: Message,
    reason: NeedsReplyReason,
    evidence: Type.Array(Type.String(), {
      description: 'The words of the message that triggered it, as written (e.g. "?", "could you", "@alice")',
    }),
  },
  { title: 'NeedsReplyItem' },
);
export type NeedsReplyItem = Static<typeof NeedsReplyItem>;

export const NeedsReplyPage = Type.Object(
  {
    items: Type.Array(NeedsReplyItem, { description: 'Newest first' }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'Pass as `cursor` for the next page; null on the last page' }),
  },
  { title: 'NeedsReplyPage' },
);
export type NeedsReplyPage = Static<typeof NeedsReplyPage>;

/** `DELETE /api/v1/assist/needs-reply/:messageId`. */
export const NeedsReplyParams = Type.Object({ messageId: Id }, strict);
export type NeedsReplyParams = Static<typeof NeedsReplyParams>;

export const NeedsReplyQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict);
export type NeedsReplyQuery = Static<typeof NeedsReplyQuery>;

export const CatchUpQuery = Type.Object(
  { since: Type.Optional(PositionInput({ description: 'Summarise the messages after this seq (default: after my read marker)' })) },
  strict,
);
export type CatchUpQuery = Static<typeof CatchUpQuery>;

export const CatchUpSentence = Type.Object(
  {
    messageId: Id,
    seq: Type.Integer({ minimum: 1, description: "The message's seq, to open the conversation at it" }),
    text: Type.String({ description: 'A sentence of that message, exactly as written' }),
  },
  { title: 'CatchUpSentence' },
);
export type CatchUpSentence = Static<typeof CatchUpSentence>;

export const CatchUp = Type.Object(
  {
    items: Type.Array(CatchUpSentence, { maxItems: 5, description: 'At most 5 sentences, in the order they were written' }),
    speakers: Type.Array(Id, { description: 'Who wrote in that stretch, most messages first' }),
    openQuestions: Type.Array(Id, { description: 'Questions in that stretch that no one has replied to or reacted to' }),
  },
  { title: 'CatchUp' },
);
export type CatchUp = Static<typeof CatchUp>;

export const AssistPeopleQuery = Type.Object(
  {
    q: Type.Optional(SingleLine({ maxLength: 64, description: 'Keep people whose username or display name has a word starting with it' })),
    limit: Type.Optional(Limit),
  },
  strict,
);
export type AssistPeopleQuery = Static<typeof AssistPeopleQuery>;

export const AssistListQuery = Type.Object({ limit: Type.Optional(Limit) }, strict);
export type AssistListQuery = Static<typeof AssistListQuery>;

const Score = Type.Number({ minimum: 0, description: 'Frecency: each interaction weighted by kind, halved every 7 days' });

export const SuggestedPerson = Type.Object({ user: User, score: Score }, { title: 'SuggestedPerson' });
export type SuggestedPerson = Static<typeof SuggestedPerson>;
export const SuggestedPeople = Type.Object(
  { items: Type.Array(SuggestedPerson, { description: 'Best first' }) },
  { title: 'SuggestedPeople' },
);
export type SuggestedPeople = Static<typeof SuggestedPeople>;

export const SuggestedConversation = Type.Object({ conversation: ConversationSummary, score: Score }, { title: 'SuggestedConversation' });
export type SuggestedConversation = Static<typeof SuggestedConversation>;
export const SuggestedConversations = Type.Object(
  { items: Type.Array(SuggestedConversation, { description: 'Best first' }) },
  { title: 'SuggestedConversations' },
);
export type SuggestedConversations = Static<typeof SuggestedConversations>;

export const ReplySuggestionAction = Type.Object(
  {
    type: Type.Literal('schedule', { description: 'Schedule something at `at`' }),
    at: Type.String({ format: 'date-time', description: 'The date and time the message names, in UTC' }),
    text: Type.String({ description: 'The words of the message that name it, as written' }),
  },
  { title: 'ReplySuggestionAction' },
);
export type ReplySuggestionAction = Static<typeof ReplySuggestionAction>;

export const ReplySuggestion = Type.Object(
  {
    text: Type.String({ description: 'What to send (a reply), or the chip’s label' }),
    kind: Type.Union([Type.Literal('reply'), Type.Literal('chip')], {
      description: '`reply`: one of my own past replies to a similar message; `chip`: an entity (a date or time) or a yes/no answer',
    }),
    action: Type.Optional(ReplySuggestionAction),
  },
  { title: 'ReplySuggestion' },
);
export type ReplySuggestion = Static<typeof ReplySuggestion>;

export const ReplySuggestions = Type.Object(
  { items: Type.Array(ReplySuggestion, { maxItems: 6, description: 'At most 3 replies, then chips; empty when nothing fits' }) },
  { title: 'ReplySuggestions' },
);
export type ReplySuggestions = Static<typeof ReplySuggestions>;

export const ReportReason = Type.Union([Type.Literal('spam'), Type.Literal('abuse'), Type.Literal('other')], { title: 'ReportReason' });
export type ReportReason = Static<typeof ReportReason>;
export const ReportDecision = Type.Union([Type.Literal('spam'), Type.Literal('not_spam'), Type.Literal('dismiss')], {
  title: 'ReportDecision',
});
export type ReportDecision = Static<typeof ReportDecision>;

/** `POST /api/v1/messages/:id/report`. */
/** The longest text a report of an encrypted message may share (the longest message an instance may allow). */
export const MAX_SHARED_REPORT_TEXT = 100_000;

export const ReportMessageBody = Type.Object(
  {
    reason: ReportReason,
    note: Type.Optional(SingleLine({ minLength: 1, maxLength: 500, description: 'A word for the admins' })),
    sharedText: Type.Optional(
      VisibleText({
        minLength: 1,
        maxLength: MAX_SHARED_REPORT_TEXT,
        description:
          'Only for a message of an end-to-end encrypted conversation (400 otherwise): its text as my device decrypted it, ' +
          'shared with the admins, who cannot read it any other way. The server cannot check that it is what was sent',
      }),
    ),
  },
  strict,
);
export type ReportMessageBody = Static<typeof ReportMessageBody>;

/** `202` to a send held for review: it reaches nobody until an admin releases it. */
export const HeldResponse = Type.Object(
  { message: HeldMessage, held: Type.Literal(true, { description: 'The message awaits an admin’s review' }) },
  { title: 'HeldResponse' },
);
export type HeldResponse = Static<typeof HeldResponse>;

export const AdminReport = Type.Object(
  {
    id: Id,
    messageId: Id,
    conversationId: Id,
    senderId: Id,
    reporterId: Id,
    reason: ReportReason,
    note: Type.Union([Type.String(), Type.Null()]),
    sharedText: Type.Union([Type.String(), Type.Null()], {
      description:
        'An encrypted message’s text as the reporter’s device decrypted it and shared it: not checked by the server (it holds only ciphertext); null when none was shared',
    }),
    /** The message as it is now; null once deleted. */
    message: Type.Union([Message, Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    resolvedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    decision: Type.Union([ReportDecision, Type.Null()]),
  },
  { title: 'AdminReport' },
);
export type AdminReport = Static<typeof AdminReport>;

export const AdminReportQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')], { description: 'Default open' })),
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
  },
  strict,
);
export type AdminReportQuery = Static<typeof AdminReportQuery>;

export const AdminReportPage = Type.Object(
  { items: Type.Array(AdminReport, { description: 'Newest first' }), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { title: 'AdminReportPage' },
);
export type AdminReportPage = Static<typeof AdminReportPage>;

export const ResolveReportBody = Type.Object({ decision: ReportDecision }, strict);
export type ResolveReportBody = Static<typeof ResolveReportBody>;

export const HeldParams = Type.Object({ messageId: Id }, strict);
export type HeldParams = Static<typeof HeldParams>;

export const AdminHeldItem = Type.Object(
  { message: HeldMessage, score: Type.Number({ minimum: 0, maximum: 1, description: 'The spam score it was held at' }) },
  { title: 'AdminHeldItem' },
);
export type AdminHeldItem = Static<typeof AdminHeldItem>;
export const AdminHeldPage = Type.Object(
  { items: Type.Array(AdminHeldItem, { description: 'Oldest first' }), nextCursor: Type.Union([Type.String(), Type.Null()]) },
  { title: 'AdminHeldPage' },
);
export type AdminHeldPage = Static<typeof AdminHeldPage>;
export const AdminHeldQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, strict);
export type AdminHeldQuery = Static<typeof AdminHeldQuery>;
