import Type from 'typebox';
import {
  HeldResponse,
  HistoryQuery,
  IdParams,
  MessagePage,
  MessageResponse,
  ReadBody,
  ReadMarkerResponse,
  RecentMessagesQuery,
  ScheduledResponse,
  SendMessageBody,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';
import { heldView } from '../../services/views.js';

export const messageRoutes: RoutePlugin = async (app, { messaging: { messages }, scheduling: { scheduled }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['messages'];

  app.post(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'sendMessage',
        summary:
          'Send a message: 201 when stored, 200 with the same message when this clientId was already sent with this body, 409 idempotency_conflict when it was used for another body or conversation; in a direct conversation 409 blocked when either side blocks the other, 409 user_deactivated when the other side is deactivated. With `scheduledAt`: 202 with the schedule (the same one again for a repeat of this clientId), sent at that time as this send would be, my rights checked again then; 400 schedule_out_of_range unless a minute to a year ahead. A send from someone not yet trusted that the spam model scores at or above ASSIST_SPAM_HOLD answers 202 `{message, held: true}`: it awaits an admin’s review and reaches nobody until released',
        security: bearer,
        params: IdParams,
        body: SendMessageBody,
        response: {
          200: MessageResponse,
          201: MessageResponse,
          202: Type.Union([ScheduledResponse, HeldResponse]),
          ...errors(400, 401, 403, 404, 409, 413, 429),
        },
      },
    },
    async (request, reply) => {
      const { scheduledAt } = request.body;
      if (scheduledAt !== undefined) {
        const schedule = await scheduled.schedule(claims(request).userId, request.params.id, { ...request.body, scheduledAt });
        return reply.status(202).send({ scheduled: schedule });
      }
      const sent = await messages.sendOrHold(claims(request).userId, request.params.id, request.body);
      // Held by the spam screen (issue 40): it awaits an admin's review and reaches nobody until released.
      if ('held' in sent) return reply.status(202).send({ message: heldView(sent.held), held: true });
      return reply.status(sent.created ? 201 : 200).send({ message: sent.message });
    },
  );

  app.get(
    '/api/v1/conversations/:id/messages',
    {
      schema: {
        tags,
        operationId: 'listMessages',
        summary:
          'History by seq: newest first (below `before` when given), or oldest first above `after`; `nextCursor` is the seq to pass as `before` (or `after`) for the next page',
        security: bearer,
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: MessagePage, ...errors(400, 401, 404) },
      },
    },
    async (request) => messages.history(claims(request).userId, request.params.id, request.query),
  );

  app.get(
    '/api/v1/messages',
    {
      schema: {
        tags,
        operationId: 'listRecentMessages',
        summary:
          'Recent messages across my conversations, newest first, filtered by sender, recipient (user ids) and read state (my read marker has reached the message)',
        security: bearer,
        querystring: RecentMessagesQuery,
        response: { 200: MessagePage, ...errors(400, 401) },
      },
    },
    async (request) => messages.recent(claims(request).userId, request.query),
  );

  app.post(
    '/api/v1/conversations/:id/read',
    {
      schema: {
        tags,
        operationId: 'markRead',
        summary: 'Move my read marker forward to `seq` (never back; clamped to the last message)',
        security: bearer,
        params: IdParams,
        body: ReadBody,
        response: { 200: ReadMarkerResponse, ...errors(400, 401, 404) },
      },
    },
    async (request) => messages.markRead(claims(request).userId, request.params.id, request.body.seq),
  );
};
