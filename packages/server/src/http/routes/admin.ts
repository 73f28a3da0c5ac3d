import { CreateInviteBody, InviteResponse } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Instance administration: admins only (the service answers 403 to anyone else). */
export const adminRoutes: RoutePlugin = async (app, { invites, tokens }) => {
  app.addHook('onRequest', bearerAuth(tokens));

  app.post(
    '/api/v1/admin/invites',
    {
      schema: {
        tags: ['admin'],
        operationId: 'createInvite',
        summary:
          'Make a single-use sign-up invite (for REGISTRATION=invite), expiring after expiresInSeconds or INVITE_TTL_SECONDS; its token is shown once',
        security: bearer,
        body: CreateInviteBody,
        response: { 201: InviteResponse, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send({ invite: await invites.create(claims(request).userId, request.body ?? {}) }),
  );
};
