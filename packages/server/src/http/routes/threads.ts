import { IdParams, ThreadListQuery, ThreadPage, ThreadReadBody } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** Threads' own read state (issue 35 item 2): a conversation's threads, reading one, following one. */
export const threadRoutes: RoutePlugin = async (app, { messaging: { threads }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['threads'];
  const me = (request: Parameters<typeof claims>[0]) => claims(request).userId;

  app.get(
    '/api/v1/conversations/:id/threads',
    {
      schema: {
        tags,
        operationId: 'listThreads',
        summary:
          "The conversation's threads, newest reply first, each with my unread count and whether I follow it; `followed=true` keeps the ones I follow",
        security: bearer,
        params: IdParams,
        querystring: ThreadListQuery,
        response: { 200: ThreadPage, ...errors(400, 401, 404) },
      },
    },
    async (request) => threads.list(me(request), request.params.id, request.query),
  );

  app.post(
    '/api/v1/messages/:id/thread/read',
    {
      schema: {
        tags,
        operationId: 'markThreadRead',
        summary:
          'I have read the thread of root `:id` up to `seq` (capped at its newest reply; never moves back). My other devices get `thread.read`',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        body: ThreadReadBody,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await threads.markRead(me(request), request.params.id, request.body.seq);
      return reply.status(204).send(null);
    },
  );

  const follow = (following: boolean) => ({
    schema: {
      tags,
      operationId: following ? 'followThread' : 'unfollowThread',
      summary: following
        ? "Follow the thread of root `:id`: it counts in my conversation's `unreadThreads` (the root's author, repliers and those mentioned follow automatically)"
        : 'Unfollow the thread of root `:id` (replying in it follows it again)',
      security: bearer,
      params: IdParams,
      querystring: NoQuery,
      response: { 204: Type.Null(), ...errors(400, 401, 404) },
    },
  });
  app.put('/api/v1/messages/:id/thread/follow', follow(true), async (request, reply) => {
    await threads.setFollowing(me(request), request.params.id, true);
    return reply.status(204).send(null);
  });
  app.delete('/api/v1/messages/:id/thread/follow', follow(false), async (request, reply) => {
    await threads.setFollowing(me(request), request.params.id, false);
    return reply.status(204).send(null);
  });
};
