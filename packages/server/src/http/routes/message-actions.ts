import {
  EditMessageBody,
  IdParams,
  MessageList,
  MessagePage,
  MessageResponse,
  MessageVersionList,
  ReactionParams,
  ThreadQuery,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** One message after it was sent: read, edit and its versions, delete, thread, reactions, pins. */
export const messageActionRoutes: RoutePlugin = async (app, { messaging: { lifecycle }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['messages'];
  const one = '/api/v1/messages/:id';

  app.get(
    one,
    {
      schema: {
        tags,
        operationId: 'getMessage',
        summary: 'One message, to the members of its conversation (404 to anyone else)',
        security: bearer,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(400, 401, 404) },
      },
    },
    async (request) => ({ message: await lifecycle.get(claims(request).userId, request.params.id) }),
  );

  app.patch(
    one,
    {
      schema: {
        tags,
        operationId: 'editMessage',
        summary:
          'Edit my message: the body rules of sending; the earlier body is kept (GET …/history) and mentions are parsed again. 403 for anyone but the author or past EDIT_WINDOW_SECONDS, 409 conflict once deleted, 409 blocked in a direct conversation where either side blocks the other; 400 encrypted_conversation for the author in an end-to-end encrypted conversation (an edit there is an MLS application message)',
        security: bearer,
        params: IdParams,
        body: EditMessageBody,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409, 413) },
      },
    },
    async (request) => ({ message: (await lifecycle.edit(claims(request).userId, request.params.id, request.body.body)).message }),
  );

  app.get(
    `${one}/history`,
    {
      schema: {
        tags,
        operationId: 'listMessageVersions',
        summary: "A message's earlier bodies, oldest first, each with when an edit replaced it (none once deleted)",
        security: bearer,
        params: IdParams,
        response: { 200: MessageVersionList, ...errors(400, 401, 404) },
      },
    },
    async (request) => lifecycle.versions(claims(request).userId, request.params.id),
  );

  app.delete(
    one,
    {
      schema: {
        tags,
        operationId: 'deleteMessage',
        summary:
          'Delete a message, leaving a tombstone (same id and seq; empty body; no reactions, mentions, pin or earlier versions). The author, or an owner or admin of the group; idempotent',
        security: bearer,
        params: IdParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ message: await lifecycle.delete(claims(request).userId, request.params.id) }),
  );

  app.get(
    `${one}/thread`,
    {
      schema: {
        tags,
        operationId: 'listThread',
        summary: "A thread root's replies, oldest first",
        security: bearer,
        params: IdParams,
        querystring: ThreadQuery,
        response: { 200: MessagePage, ...errors(400, 401, 404) },
      },
    },
    async (request) => lifecycle.thread(claims(request).userId, request.params.id, request.query),
  );

  app.put(
    `${one}/reactions/:emoji`,
    {
      schema: {
        tags,
        operationId: 'addReaction',
        summary:
          'React (idempotent). `:emoji` is URL-encoded: one emoji grapheme, or a `:shortcode:` of a-z 0-9 _ + -; 409 conflict past MAX_REACTIONS_PER_MESSAGE different ones, or once deleted; 409 blocked in a direct conversation where either side blocks the other; 400 encrypted_conversation in an end-to-end encrypted conversation (a reaction there is an MLS application message, its key encrypted)',
        security: bearer,
        params: ReactionParams,
        response: { 200: MessageResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => ({
      message: (await lifecycle.react(claims(request).userId, request.params.id, request.params.emoji, true)).message,
    }),
  );

  app.delete(
    `${one}/reactions/:emoji`,
    {
      schema: {
        tags,
        operationId: 'removeReaction',
        summary:
          'Take back my reaction (idempotent; only my own); 409 blocked in a direct conversation where either side blocks the other. In an end-to-end encrypted conversation this takes back a reaction made in clear before it was encrypted; reactions made there are MLS application messages',
        security: bearer,
        params: ReactionParams,
        response: { 200: MessageResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => ({
      message: (await lifecycle.react(claims(request).userId, request.params.id, request.params.emoji, false)).message,
    }),
  );

  for (const [method, on] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      `${one}/pin`,
      {
        schema: {
          tags,
          operationId: on ? 'pinMessage' : 'unpinMessage',
          summary: `${on ? 'Pin' : 'Unpin'} a message (idempotent): in a group owners and admins only, in a direct conversation either member${on ? '; 409 conflict once deleted' : ''}; 409 blocked in a direct conversation where either side blocks the other`,
          security: bearer,
          params: IdParams,
          response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409) },
        },
      },
      async (request) => ({ message: await lifecycle.pin(claims(request).userId, request.params.id, on) }),
    );
  }

  app.get(
    '/api/v1/conversations/:id/pins',
    {
      schema: {
        tags,
        operationId: 'listPins',
        summary: 'Pinned messages, most recently pinned first',
        security: bearer,
        params: IdParams,
        response: { 200: MessageList, ...errors(400, 401, 404) },
      },
    },
    async (request) => lifecycle.pins(claims(request).userId, request.params.id),
  );
};
