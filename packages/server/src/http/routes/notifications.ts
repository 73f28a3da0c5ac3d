import { MarkNotificationsReadBody, NotificationPage, NotificationQuery, UnreadNotifications } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** My notifications: what others did that concerns me. New ones arrive live as `notification.created`. */
export const notificationRoutes: RoutePlugin = async (app, { notifications: { notifications }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['notifications'];

  app.get(
    '/api/v1/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        tags,
        summary: 'My notifications, newest first (`unread=true`: the unread ones), with my unread count',
        security: bearer,
        querystring: NotificationQuery,
        response: { 200: NotificationPage, ...errors(400, 401) },
      },
    },
    async (request) => notifications.list(claims(request).userId, request.query),
  );

  app.post(
    '/api/v1/notifications/read',
    {
      schema: {
        operationId: 'markNotificationsRead',
        tags,
        summary: 'Mark notifications read: `{ids}` (mine; others are ignored) or `{all: true}`',
        security: bearer,
        body: MarkNotificationsReadBody,
        response: { 200: UnreadNotifications, ...errors(400, 401) },
      },
    },
    async (request) => notifications.markRead(claims(request).userId, request.body),
  );
};
