import {
  AddMemberBody,
  ConversationPage,
  ConversationResponse,
  CreateConversationBody,
  IdParams,
  MemberParams,
  MemberResponse,
  ConversationListQuery,
  UpdateConversationBody,
  UpdateMemberBody,
} from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

export const conversationRoutes: RoutePlugin = async (app, { conversations: { conversations }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['conversations'];

  app.post(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        operationId: 'createConversation',
        summary:
          'Open the direct conversation with a user (201 the first time, 200 after) or create a group; 409 blocked when the user (or one to add) blocks me, 409 user_deactivated for a direct conversation with a deactivated account',
        security: bearer,
        body: CreateConversationBody,
        response: { 200: ConversationResponse, 201: ConversationResponse, ...errors(400, 401, 403, 404, 409, 429) },
      },
    },
    async (request, reply) => {
      const { conversation, created } = await conversations.create(claims(request).userId, request.body);
      return reply.status(created ? 201 : 200).send({ conversation });
    },
  );

  app.get(
    '/api/v1/conversations',
    {
      schema: {
        tags,
        operationId: 'listConversations',
        summary:
          'My conversations, most recently active first, with last message, unread count and my settings (archived ones only with `archived`)',
        security: bearer,
        querystring: ConversationListQuery,
        response: { 200: ConversationPage, ...errors(400, 401) },
      },
    },
    async (request) => conversations.list(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        operationId: 'getConversation',
        summary: 'One conversation with its members (404 when not a member)',
        security: bearer,
        params: IdParams,
        response: { 200: ConversationResponse, ...errors(401, 404) },
      },
    },
    async (request) => ({ conversation: await conversations.get(claims(request).userId, request.params.id) }),
  );

  app.patch(
    '/api/v1/conversations/:id',
    {
      schema: {
        tags,
        operationId: 'renameConversation',
        summary:
          'Rename a group, or turn on its end-to-end encryption with `encrypted: true` (owner or admin); `encrypted: false` answers 400: never turned off',
        security: bearer,
        params: IdParams,
        body: UpdateConversationBody,
        response: { 200: ConversationResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({
      conversation: await conversations.update(claims(request).userId, request.params.id, request.body),
    }),
  );

  app.post(
    '/api/v1/conversations/:id/members',
    {
      schema: {
        tags,
        operationId: 'addMember',
        summary: 'Add a member to a group (owner or admin)',
        security: bearer,
        params: IdParams,
        body: AddMemberBody,
        response: { 201: MemberResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await conversations.addMember(claims(request).userId, request.params.id, request.body.userId)),
  );

  app.patch(
    '/api/v1/conversations/:id/members/:userId',
    {
      schema: {
        tags,
        operationId: 'setMemberRole',
        summary: "Change a member's role (owner only; making someone owner hands ownership over)",
        security: bearer,
        params: MemberParams,
        body: UpdateMemberBody,
        response: { 200: MemberResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => conversations.setRole(claims(request).userId, request.params.id, request.params.userId, request.body.role),
  );

  app.delete(
    '/api/v1/conversations/:id/members/:userId',
    {
      schema: {
        tags,
        operationId: 'removeMember',
        summary: 'Remove a member (owner or admin), or leave (yourself)',
        security: bearer,
        params: MemberParams,
        response: { 204: Type.Null(), ...errors(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      await conversations.removeMember(claims(request).userId, request.params.id, request.params.userId);
      return reply.status(204).send(null);
    },
  );
};
