import { DraftList, DraftResponse, IdParams, SaveDraftBody } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** Issue 37: my drafts, synced across my devices (services/messaging/draft-service.ts). */
export const draftRoutes: RoutePlugin = async (app, { messaging: { drafts }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const me = (request: Parameters<typeof claims>[0]) => claims(request).userId;
  const draft = '/api/v1/conversations/:id/draft';

  app.put(
    draft,
    {
      schema: {
        tags: ['drafts'],
        operationId: 'saveDraft',
        summary:
          'Save my draft of this conversation on the `version` I last saw (0: none yet); it is stored as `version + 1`. ' +
          'A stale version answers 409 `draft_conflict` with the draft as stored in `error.draft`. "" clears it. ' +
          'My other devices get `draft.updated`; 404 when I am not a member',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        body: SaveDraftBody,
        response: { 200: DraftResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => ({ draft: await drafts.save(me(request), request.params.id, request.body) }),
  );

  app.delete(
    draft,
    {
      schema: {
        tags: ['drafts'],
        operationId: 'deleteDraft',
        summary:
          'Clear my draft of this conversation, whatever its version (idempotent); my other devices get `draft.updated` with `deleted`. ' +
          'Sending a message there clears it too',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await drafts.delete(me(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/drafts',
    {
      schema: {
        tags: ['drafts'],
        operationId: 'listDrafts',
        summary: 'My drafts that have text, in the conversations I am a member of, newest first',
        security: bearer,
        querystring: NoQuery,
        response: { 200: DraftList, ...errors(400, 401) },
      },
    },
    async (request) => drafts.list(me(request)),
  );
};
