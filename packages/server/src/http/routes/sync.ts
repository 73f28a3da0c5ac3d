import { EventPage, EventsQuery, IdParams, SyncQuery, SyncResponse } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';
import { encodeSyncCursor } from '../../services/sync-service.js';

/** The event stream over plain HTTP, for clients that cannot hold a WebSocket, and gap fill. */
export const syncRoutes: RoutePlugin = async (app, { config, sync, tokens, waitForEvent }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['sync'];

  app.get(
    '/api/v1/sync',
    {
      schema: {
        tags,
        summary:
          'Long-poll: my events after `since`, answered as soon as there is one or after `timeout` seconds (default 30; at most REQUEST_TIMEOUT_MS less a second). Without `since`: the current cursor and no events. `reset` says why a `since` could not be resumed',
        security: bearer,
        querystring: SyncQuery,
        response: { 200: SyncResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { userId } = claims(request);
      const { since, timeout = 30, limit = 500 } = request.query;
      const start = await sync.start(since);
      const respond = (events: Awaited<ReturnType<typeof sync.read>>) => ({
        events,
        cursor: encodeSyncCursor(start.epoch, events.at(-1)?.pos ?? start.after),
        reset: start.reset,
      });
      if (since === undefined || start.reset !== null) return respond([]);
      const events = await sync.read(userId, start.after, limit);
      if (events.length > 0 || timeout === 0) return respond(events);
      // Nothing yet: wait for a wake-up on my topics, then read the log (never trust the wake-up itself).
      // The log is read again once subscribed: an event committed before that would wake nobody.
      // Answered before the request timeout would cut the poll off.
      const deadline = Date.now() + Math.min(timeout * 1000, config.requestTimeoutMs - 1000);
      while (Date.now() < deadline && !request.raw.destroyed) {
        let fresh: typeof events = [];
        const found = async () => (fresh = await sync.read(userId, start.after, limit)).length > 0;
        await waitForEvent(userId, Math.min(deadline - Date.now(), 5000), found);
        if (fresh.length > 0 || (await found())) return respond(fresh);
      }
      return respond([]);
    },
  );

  app.get(
    '/api/v1/conversations/:id/events',
    {
      schema: {
        tags,
        summary:
          "One conversation's events after position `after`, oldest first (fills a gap the client saw in `prev`). 410 `cursor_expired` when they are older than the replay window",
        security: bearer,
        params: IdParams,
        querystring: EventsQuery,
        response: { 200: EventPage, ...errors(400, 401, 404, 410) },
      },
    },
    async (request) =>
      sync.conversationEvents(claims(request).userId, request.params.id, request.query.after, request.query.limit ?? 500),
  );
};
