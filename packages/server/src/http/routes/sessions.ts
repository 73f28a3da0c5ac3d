import { IdParams, SessionList, SessionsEndedResponse } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** My sessions (one per sign-in): which there are, and ending them. */
export const sessionRoutes: RoutePlugin = async (app, { accounts: { sessions, tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['auth'];

  app.get(
    '/api/v1/auth/sessions',
    {
      schema: {
        tags,
        operationId: 'listSessions',
        security: bearer,
        summary: 'My sessions still signed in, newest first; `current` marks the one asking. `lastUsedAt` moves at each token refresh',
        querystring: NoQuery,
        response: { 200: SessionList, ...errors(400, 401) },
      },
    },
    async (request) => sessions.list(claims(request).userId, claims(request).sessionId),
  );

  app.delete(
    '/api/v1/auth/sessions/:id',
    {
      schema: {
        tags,
        operationId: 'endSession',
        security: bearer,
        summary: 'End one of my sessions: its tokens are refused and its WebSockets close with 4403, on every node',
        params: IdParams,
        response: { 204: Type.Null(), ...errors(401, 404) },
      },
    },
    async (request, reply) => {
      await sessions.end(claims(request).userId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/api/v1/auth/logout-all',
    {
      schema: {
        tags,
        operationId: 'logoutAll',
        security: bearer,
        summary: 'End every one of my sessions, this one included (sockets closed with 4403 on every node)',
        response: { 200: SessionsEndedResponse, ...errors(401) },
      },
    },
    async (request) => ({ sessionsEnded: await sessions.logoutAll(claims(request).userId) }),
  );
};
