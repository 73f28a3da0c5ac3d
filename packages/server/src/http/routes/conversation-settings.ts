import Type from 'typebox';
import { ConversationResponse, IdParams } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** My own settings of a conversation: mute, star, archive, clear history. Each answers my view of it. */
export const conversationSettingsRoutes: RoutePlugin = async (app, { conversations: { settings }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['conversations'];
  const schema = (operationId: string, summary: string) => ({
    operationId,
    tags,
    summary,
    security: bearer,
    params: IdParams,
    response: { 200: ConversationResponse, ...errors(400, 401, 404) },
  });
  const me = (request: Parameters<typeof claims>[0]) => claims(request).userId;

  app.put(
    '/api/v1/conversations/:id/mute',
    { schema: schema('muteConversation', 'Mute: unread still counts, only mentions notify me') },
    async (request) => ({
      conversation: await settings.setMuted(me(request), request.params.id, true),
    }),
  );
  app.delete('/api/v1/conversations/:id/mute', { schema: schema('unmuteConversation', 'Unmute') }, async (request) => ({
    conversation: await settings.setMuted(me(request), request.params.id, false),
  }));
  // Star answers 204 (nothing to read back: my other devices get `conversation.updated`).
  const noContent = (operationId: string, summary: string) => ({
    ...schema(operationId, summary),
    response: { 204: Type.Null({ description: 'Done' }), ...errors(400, 401, 404) },
  });
  app.put(
    '/api/v1/conversations/:id/star',
    { schema: noContent('starConversation', 'Star: pinned to the top of my list (idempotent)') },
    async (request, reply) => {
      await settings.setStarred(me(request), request.params.id, true);
      return reply.status(204).send(null);
    },
  );
  app.delete(
    '/api/v1/conversations/:id/star',
    { schema: noContent('unstarConversation', 'Unstar (idempotent)') },
    async (request, reply) => {
      await settings.setStarred(me(request), request.params.id, false);
      return reply.status(204).send(null);
    },
  );
  app.put(
    '/api/v1/conversations/:id/archive',
    { schema: schema('archiveConversation', 'Archive: hidden from my list (unless `?archived=include`) until a new message arrives') },
    async (request) => ({ conversation: await settings.setArchived(me(request), request.params.id, true) }),
  );
  app.delete('/api/v1/conversations/:id/archive', { schema: schema('unarchiveConversation', 'Un-archive') }, async (request) => ({
    conversation: await settings.setArchived(me(request), request.params.id, false),
  }));
  app.post(
    '/api/v1/conversations/:id/clear',
    { schema: schema('clearConversationHistory', 'Clear my history up to the last message now (`clearedSeq`); the others keep theirs') },
    async (request) => ({ conversation: await settings.clear(me(request), request.params.id) }),
  );
};
