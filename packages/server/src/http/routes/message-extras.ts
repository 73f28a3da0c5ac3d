import {
  ForwardBody,
  ForwardResponse,
  IdParams,
  LinkPreviewImageQuery,
  MessageResponse,
  PageQuery,
  PollVoteBody,
  SavedPage,
} from '@confab/protocol';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

const Binary = Type.String({ format: 'binary' });

/** Issue 37: a poll's votes and close, forwarding a message, my saved messages, link previews. */
export const messageExtraRoutes: RoutePlugin = async (app, { messaging: { polls, forwarding, saved, previews }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const me = (request: Parameters<typeof claims>[0]) => claims(request).userId;
  const one = '/api/v1/messages/:id';

  app.put(
    `${one}/poll/vote`,
    {
      schema: {
        tags: ['polls'],
        operationId: 'votePoll',
        summary:
          'Replace my vote with `optionIds` (`[]` retracts it): options of this poll, at most one unless it is `multiple` (else 400); 409 conflict once closed or deleted, 409 blocked in a direct conversation where either side blocks the other. Everyone sees the counts through `message.updated`',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        body: PollVoteBody,
        response: { 200: MessageResponse, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => ({ message: await polls.vote(me(request), request.params.id, request.body.optionIds) }),
  );

  app.post(
    `${one}/poll/close`,
    {
      schema: {
        tags: ['polls'],
        operationId: 'closePoll',
        summary: 'Close the poll (idempotent): its author, or an owner or admin of the group (else 403); no vote is taken after',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({ message: await polls.close(me(request), request.params.id) }),
  );

  app.post(
    `${one}/forward`,
    {
      schema: {
        tags: ['messages'],
        operationId: 'forwardMessage',
        summary:
          'Copy a message I can read into 1–10 conversations I can post in, each after my `comment` as a text message when given. The copy carries `forwardedFrom` (its source conversation only to readers who are members there) and the same files. Every target is checked first: 404 for one I am not in, 409 blocked for a direct conversation with a block either way, 400 encrypted_conversation for an end-to-end encrypted target, and then nothing is sent; an encrypted message cannot be forwarded (400 encrypted_conversation: its text is only on the members’ devices). A copy or comment the spam screen holds for review (an untrusted sender, issue 40) is in `held`, not in `messages`',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        body: ForwardBody,
        response: { 201: ForwardResponse, ...errors(400, 401, 404, 409, 413, 429) },
      },
    },
    async (request, reply) => {
      const { messages, held } = await forwarding.forward(
        me(request),
        request.params.id,
        request.body.conversationIds,
        request.body.comment,
      );
      return reply.status(201).send(held.length > 0 ? { messages, held } : { messages });
    },
  );

  for (const [method, on] of [
    ['put', true],
    ['delete', false],
  ] as const) {
    app[method](
      `${one}/save`,
      {
        schema: {
          tags: ['saved'],
          operationId: on ? 'saveMessage' : 'unsaveMessage',
          summary: on
            ? 'Save a message I can read for later (idempotent); my other devices get `saved.updated`'
            : 'Take a message off my saved list (idempotent); my other devices get `saved.updated`',
          security: bearer,
          params: IdParams,
          querystring: NoQuery,
          response: { 204: Type.Null(), ...errors(400, 401, 404) },
        },
      },
      async (request, reply) => {
        await saved.set(me(request), request.params.id, on);
        return reply.status(204).send(null);
      },
    );
  }

  app.get(
    '/api/v1/saved',
    {
      schema: {
        tags: ['saved'],
        operationId: 'listSaved',
        summary:
          'My saved messages across conversations, newest saved first; only those I can still read (not after leaving, or clearing, their conversation)',
        security: bearer,
        querystring: PageQuery,
        response: { 200: SavedPage, ...errors(400, 401) },
      },
    },
    async (request) => saved.list(me(request), request.query),
  );

  app.delete(
    `${one}/preview`,
    {
      schema: {
        tags: ['messages'],
        operationId: 'removeLinkPreview',
        summary:
          'Remove the link preview of my message (idempotent; also one still being fetched): everyone gets `message.updated` with `preview: null`, and that link is not previewed again. Only the sender (else 403)',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await previews.remove(me(request), request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    `${one}/preview/image`,
    {
      schema: {
        tags: ['messages'],
        operationId: 'getLinkPreviewImage',
        summary:
          "A link preview's picture (image/webp, at most 400 px a side), to members of the conversation; a `v` other than the preview's is 404 (a version's bytes never change); ETag and If-None-Match",
        security: bearer,
        params: IdParams,
        querystring: LinkPreviewImageQuery,
        response: {
          200: { description: 'The picture (image/webp)', content: { 'image/webp': { schema: Binary } } },
          304: { description: 'Not modified', type: 'null' },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, typedReply) => {
      const reply = typedReply as FastifyReply; // its bytes are a stream, not the schema's JSON
      const picture = await previews.image(me(request), request.params.id, request.query.v);
      reply.header('etag', picture.etag);
      reply.header('x-content-type-options', 'nosniff');
      if (request.headers['if-none-match'] === picture.etag) {
        picture.body.destroy();
        return reply.status(304).send();
      }
      return reply.type('image/webp').send(picture.body);
    },
  );
};
