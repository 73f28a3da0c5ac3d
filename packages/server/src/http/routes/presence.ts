import Type from 'typebox';
import { IdParams, Presence, TypingBody } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Ephemeral signals: who is online, who is typing. */
export const presenceRoutes: RoutePlugin = async (app, { presence: { presence }, messaging: { typing }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));

  app.get(
    '/api/v1/users/:id/presence',
    {
      schema: {
        tags: ['presence'],
        operationId: 'getPresence',
        summary: 'Online now (any open connection), or when last seen; only for users I share a conversation with (else 404)',
        security: bearer,
        params: IdParams,
        response: { 200: Presence, ...errors(401, 404) },
      },
    },
    async (request) => presence.get(claims(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/conversations/:id/typing',
    {
      schema: {
        tags: ['presence'],
        operationId: 'setTyping',
        summary: 'Start (repeat every few seconds) or stop a typing indicator; the same as the WebSocket `typing` frame',
        security: bearer,
        params: IdParams,
        body: TypingBody,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await typing.setTyping(claims(request).userId, request.params.id, request.body.typing);
      return reply.status(204).send(null);
    },
  );
};
