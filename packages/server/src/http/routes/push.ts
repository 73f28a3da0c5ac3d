import { PushSubscriptionBody, PushSubscriptionCreated, PushUnsubscribeBody, PushUnsubscribed, VapidPublicKey } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** Web Push: my browsers' subscriptions, and the server's VAPID key to subscribe with. */
export const pushRoutes: RoutePlugin = async (app, { notifications: { push }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['notifications'];

  app.get(
    '/api/v1/push/vapid-public-key',
    {
      schema: {
        operationId: 'getVapidPublicKey',
        tags,
        summary: "The server's VAPID public key: the applicationServerKey for PushManager.subscribe()",
        security: bearer,
        querystring: NoQuery,
        response: { 200: VapidPublicKey, ...errors(400, 401) },
      },
    },
    async () => push.vapidPublicKey(),
  );

  app.post(
    '/api/v1/push/subscriptions',
    {
      schema: {
        operationId: 'createPushSubscription',
        tags,
        summary:
          'Subscribe this browser to pushes: while I have no open socket, each of my notifications is pushed to it. An endpoint already known is moved to me',
        security: bearer,
        body: PushSubscriptionBody,
        response: { 201: PushSubscriptionCreated, ...errors(400, 401) },
      },
    },
    async (request, reply) => reply.status(201).send(await push.subscribe(claims(request).userId, request.body)),
  );

  app.delete(
    '/api/v1/push/subscriptions',
    {
      schema: {
        operationId: 'deletePushSubscription',
        tags,
        summary: 'Unsubscribe a browser of mine from pushes (idempotent)',
        security: bearer,
        body: PushUnsubscribeBody,
        response: { 200: PushUnsubscribed, ...errors(400, 401) },
      },
    },
    async (request) => push.unsubscribe(claims(request).userId, request.body.endpoint),
  );
};
