import { IdParams, PageQuery, ScheduledPage, ScheduledResponse, UpdateScheduledBody } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/**
 * Issue 37: my scheduled messages. A message is scheduled by the send itself
 * (`POST /api/v1/conversations/:id/messages` with `scheduledAt`, routes/messages.ts).
 */
export const scheduledRoutes: RoutePlugin = async (app, { scheduling: { scheduled }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const me = (request: Parameters<typeof claims>[0]) => claims(request).userId;
  const tags = ['scheduled'];

  app.get(
    '/api/v1/scheduled',
    {
      schema: {
        tags,
        operationId: 'listScheduled',
        summary: 'My scheduled messages that are still to be sent, across conversations, soonest first',
        security: bearer,
        querystring: PageQuery,
        response: { 200: ScheduledPage, ...errors(400, 401) },
      },
    },
    async (request) => scheduled.list(me(request), request.query),
  );

  app.patch(
    '/api/v1/scheduled/:id',
    {
      schema: {
        tags,
        operationId: 'updateScheduled',
        summary:
          'Change the text and/or the time of a scheduled message of mine (the time from a minute to a year ahead, else 400 schedule_out_of_range); 404 for any other id, 409 conflict while it is being sent. My other devices get `scheduled.updated`',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        body: UpdateScheduledBody,
        response: { 200: ScheduledResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => ({ scheduled: await scheduled.update(me(request), request.params.id, request.body) }),
  );

  app.delete(
    '/api/v1/scheduled/:id',
    {
      schema: {
        tags,
        operationId: 'deleteScheduled',
        summary:
          'Delete a scheduled message of mine before it is sent; 404 for any other id, 409 conflict while it is being sent. My other devices get `scheduled.removed`',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 204: Type.Null(), ...errors(400, 401, 404, 409) },
      },
    },
    async (request, reply) => {
      await scheduled.remove(me(request), request.params.id);
      return reply.status(204).send(null);
    },
  );
};
