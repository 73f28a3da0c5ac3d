import { ConversationSearchQuery, ConversationSearchResult, SearchPage, SearchQuery } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Full-text search of my messages, and of my conversations by name (services/search/search-service.ts). */
export const searchRoutes: RoutePlugin = async (app, { search: { search }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['search'];

  app.get(
    '/api/v1/search',
    {
      schema: {
        tags,
        operationId: 'searchMessages',
        summary:
          'Messages of my conversations with every word of `q` (the last as a prefix while typing), in any language, accents ignored for Latin letters; never deleted or system messages, nor what I cleared. Ranked by relevance, then recency (the newest SEARCH_RANK_WINDOW matches ranked together, then the next ones); 404 for a `conversationId` I am not in; 429 past RATE_LIMIT_SEARCH_USER (searches of messages and conversations together)',
        security: bearer,
        querystring: SearchQuery,
        response: { 200: SearchPage, ...errors(400, 401, 404, 429) },
      },
    },
    async (request) => search.messages(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/search/conversations',
    {
      schema: {
        tags,
        operationId: 'searchConversations',
        summary:
          "My conversations by name: a word of a group's title, or of a direct conversation's other member's username or display name, starts with each word of `q`; whole words first, then the most recently active. Counted with message searches against RATE_LIMIT_SEARCH_USER (429 past it)",
        security: bearer,
        querystring: ConversationSearchQuery,
        response: { 200: ConversationSearchResult, ...errors(400, 401, 429) },
      },
    },
    async (request) => search.conversations(claims(request).userId, request.query),
  );
};
