import { IdParams, Me, UpdateMeBody, User, UserPage, UserSearchQuery } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

export const userRoutes: RoutePlugin = async (app, { accounts: { users, tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));

  app.get(
    '/api/v1/users/me',
    { schema: { tags: ['users'], operationId: 'getMe', summary: 'My profile', security: bearer, response: { 200: Me, ...errors(401) } } },
    async (request) => users.getMe(claims(request).userId),
  );

  app.patch(
    '/api/v1/users/me',
    {
      schema: {
        tags: ['users'],
        operationId: 'updateMe',
        summary: 'Change my display name, bio, time zone or last-seen privacy',
        security: bearer,
        body: UpdateMeBody,
        response: { 200: Me, ...errors(400, 401) },
      },
    },
    async (request) => users.updateMe(claims(request).userId, request.body),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        operationId: 'searchUsers',
        summary:
          'Search the user directory by username prefix or display name (DIRECTORY=shared: only people I share a conversation with, or an exact username); deactivated accounts are listed to admins only (with `deactivated: true`)',
        security: bearer,
        querystring: UserSearchQuery,
        response: { 200: UserPage, ...errors(400, 401) },
      },
    },
    async (request) => users.search(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        operationId: 'getUser',
        summary: "A user's public profile",
        security: bearer,
        params: IdParams,
        response: { 200: User, ...errors(401, 404) },
      },
    },
    async (request) => users.getUser(request.params.id),
  );
};
