import Type, { type Static } from 'typebox';
import { Cursor } from './api.js';
import { ConversationSummary } from './conversations.js';
import { Message } from './messages.js';
import { Id, Page } from './primitives.js';
import { Instant, VisibleLine } from './strings.js';

/** Full-text search of messages and of my conversations' names (docs/search.md). */
const strict = { additionalProperties: false } as const;

/** Longest search text, in UTF-16 code units. */
export const MAX_SEARCH_LENGTH = 200;
/** Most words a search may have. */
export const MAX_SEARCH_WORDS = 16;

const SearchText = VisibleLine({
  minLength: 1,
  maxLength: MAX_SEARCH_LENGTH,
  description: `Words to find, in any language (1–${MAX_SEARCH_WORDS} words); every word must be in the message, the last one as a prefix unless the text ends with a space`,
});
const InstantBound = (description: string) => Instant({ description: `ISO 8601 instant: ${description}` });

export const SearchQuery = Type.Object(
  {
    q: SearchText,
    conversationId: Type.Optional(Id),
    senderId: Type.Optional(Id),
    before: Type.Optional(InstantBound('only messages sent before it (exclusive)')),
    after: Type.Optional(InstantBound('only messages sent after it (exclusive)')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'Hits per page (default 20)' })),
    cursor: Type.Optional(Cursor),
  },
  strict,
);
export type SearchQuery = Static<typeof SearchQuery>;

export const SearchHit = Type.Object(
  {
    message: Message,
    snippet: Type.String({ description: 'Plain text from the body around the first match (never HTML); `…` where it was cut' }),
    highlights: Type.Array(Type.Array(Type.Integer({ minimum: 0 }), { minItems: 2, maxItems: 2 }), {
      description: '`[start, end)` of each matched word in `snippet`, in UTF-16 code units (JavaScript string offsets), in order',
    }),
  },
  { title: 'SearchHit' },
);
export type SearchHit = Static<typeof SearchHit>;
export const SearchPage = Page(SearchHit, 'SearchPage');
export type SearchPage = Static<typeof SearchPage>;

export const ConversationSearchQuery = Type.Object(
  {
    q: VisibleLine({
      minLength: 1,
      maxLength: 100,
      description: "Words of a group's title, or a direct conversation's other member's username or display name",
    }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, description: 'At most this many (default 20)' })),
  },
  strict,
);
export type ConversationSearchQuery = Static<typeof ConversationSearchQuery>;
export const ConversationSearchResult = Type.Object({ items: Type.Array(ConversationSummary) }, { title: 'ConversationSearchResult' });
export type ConversationSearchResult = Static<typeof ConversationSearchResult>;
