import { BlockResponse, IdParams, PageQuery, UserPage } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Blocking users. Private: nothing here, or anywhere, tells a user who blocks them. */
export const blockRoutes: RoutePlugin = async (app, { conversations: { blocks }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['users'];

  app.put(
    '/api/v1/users/:id/block',
    {
      schema: {
        operationId: 'blockUser',
        tags,
        summary:
          'Block a user: they cannot open a DM with me, send into ours or add me to a group; their typing and presence stop reaching me',
        security: bearer,
        params: IdParams,
        response: { 200: BlockResponse, ...errors(400, 401, 404) },
      },
    },
    async (request) => blocks.setBlocked(claims(request).userId, request.params.id, true),
  );

  app.delete(
    '/api/v1/users/:id/block',
    {
      schema: {
        operationId: 'unblockUser',
        tags,
        summary: 'Unblock a user (idempotent)',
        security: bearer,
        params: IdParams,
        response: { 200: BlockResponse, ...errors(400, 401, 404) },
      },
    },
    async (request) => blocks.setBlocked(claims(request).userId, request.params.id, false),
  );

  app.get(
    '/api/v1/users/me/blocks',
    {
      schema: {
        operationId: 'listBlockedUsers',
        tags,
        summary: 'The users I block',
        security: bearer,
        querystring: PageQuery,
        response: { 200: UserPage, ...errors(400, 401) },
      },
    },
    async (request) => blocks.list(claims(request).userId, request.query),
  );
};
