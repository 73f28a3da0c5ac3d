import { EventPage, EventsQuery, IdParams, SyncQuery, SyncResponse } from '@confab/protocol';
import { SessionRevoked } from '../../errors.js';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Room for the log read and the answer after a poll's wait, before the idle timeout applies. */
const POLL_MARGIN_MS = 10_000;

/** The event stream over plain HTTP, for clients that cannot hold a WebSocket, and gap fill. */
export const syncRoutes: RoutePlugin = async (app, { config, events: { sync }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['sync'];

  app.get(
    '/api/v1/sync',
    {
      schema: {
        tags,
        operationId: 'sync',
        summary:
          'Long-poll: my events after `since`, answered as soon as there is one or after `timeout` seconds (default 30, at most 120). Without `since`: the current cursor and no events. `reset` says why a `since` could not be resumed',
        security: bearer,
        querystring: SyncQuery,
        response: { 200: SyncResponse, ...errors(400, 401) },
      },
    },
    async (request) => {
      const { since, timeout = 30, limit = 500 } = request.query;
      const { userId, sessionId } = claims(request);
      const ended = () => tokens.isRevoked(sessionId);
      // The connection is idle while the poll waits: keep it open past CONNECTION_TIMEOUT_MS for
      // as long as the client asked (REQUEST_TIMEOUT_MS only bounds receiving the request).
      const socket = request.raw.socket;
      const waitMs = timeout * 1000;
      if (waitMs + POLL_MARGIN_MS > config.connectionTimeoutMs) socket.setTimeout(waitMs + POLL_MARGIN_MS);
      let page;
      try {
        page = await sync.poll(userId, { since, timeoutMs: waitMs, limit, abandoned: () => request.raw.destroyed || ended() });
      } finally {
        socket.setTimeout(config.connectionTimeoutMs);
      }
      // The session may have ended while this waited: what came since is no longer its to read.
      if (ended()) throw new SessionRevoked();
      return page;
    },
  );

  app.get(
    '/api/v1/conversations/:id/events',
    {
      schema: {
        tags,
        operationId: 'listConversationEvents',
        summary:
          "One conversation's events after position `after`, oldest first (fills a gap the client saw in `prev`). 410 `cursor_expired` when they are older than the replay window",
        security: bearer,
        params: IdParams,
        querystring: EventsQuery,
        response: { 200: EventPage, ...errors(400, 401, 404, 410) },
      },
    },
    async (request) => sync.conversationEvents(claims(request).userId, request.params.id, request.query.after, request.query.limit ?? 500),
  );
};
