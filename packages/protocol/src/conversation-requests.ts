// Conversations over REST: creating one (direct or group), changing it and its members, the
// conversation list and one conversation.
import Type, { type Static } from 'typebox';
import { ConversationDetail, ConversationSummary, Member, Role } from './conversations.js';
import { Id, Page } from './primitives.js';
import { VisibleLine } from './strings.js';
import { Cursor, Limit, strict } from './request-parts.js';

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
