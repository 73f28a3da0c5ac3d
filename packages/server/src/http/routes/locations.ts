import { IdParams, MessageResponse, UpdateLocationBody } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** A live location's moves and its end (services/messaging/live-location.ts). */
export const locationRoutes: RoutePlugin = async (app, { messaging: { locations }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['messages'];

  app.patch(
    '/api/v1/messages/:id/location',
    {
      schema: {
        tags,
        operationId: 'updateLiveLocation',
        summary:
          'Move my live location (members see `message.updated`): the author only (403), until its `liveUntil`; 409 conflict after it, or for a message that is not a live location; 409 blocked in a direct conversation where either side blocks the other (stopping stays allowed)',
        security: bearer,
        params: IdParams,
        body: UpdateLocationBody,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({ message: await locations.update(claims(request).userId, request.params.id, request.body) }),
  );

  app.post(
    '/api/v1/messages/:id/location/stop',
    {
      schema: {
        tags,
        operationId: 'stopLiveLocation',
        summary:
          'End my live location now (`liveUntil` becomes now; members see `message.updated`); idempotent once ended; 409 conflict for a message that is not a live location',
        security: bearer,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({ message: await locations.stop(claims(request).userId, request.params.id) }),
  );
};
