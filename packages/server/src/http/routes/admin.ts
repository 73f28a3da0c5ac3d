import {
  AdminResetSentResponse,
  AdminUserPage,
  AdminUserQuery,
  AdminUserResponse,
  AuditPage,
  AuditQuery,
  CreateInviteBody,
  IdParams,
  InstanceStats,
  InviteResponse,
  SessionsEndedResponse,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/**
 * Instance administration: admins only. Anyone else gets 403 before their input is even read
 * (AdminService.authorize, in a hook after the token's), and each service checks again.
 */
export const adminRoutes: RoutePlugin = async (app, { admin: { admin }, accounts: { invites, tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  app.addHook('onRequest', async (request) => admin.authorize(claims(request).userId));
  const tags = ['admin'];
  const actor = (request: Parameters<typeof claims>[0]) => claims(request).userId;

  app.post(
    '/api/v1/admin/invites',
    {
      schema: {
        tags,
        operationId: 'createInvite',
        summary:
          'Make a single-use sign-up invite (for REGISTRATION=invite), expiring after expiresInSeconds or INVITE_TTL_SECONDS; its token is shown once',
        security: bearer,
        body: CreateInviteBody,
        response: { 201: InviteResponse, ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => reply.status(201).send({ invite: await invites.create(actor(request), request.body ?? {}) }),
  );

  app.get(
    '/api/v1/admin/users',
    {
      schema: {
        tags,
        operationId: 'adminListUsers',
        summary:
          'Every account (deactivated and erased ones too) with its last activity, by username; `q` matches a username prefix, or part of a display name or email',
        security: bearer,
        querystring: AdminUserQuery,
        response: { 200: AdminUserPage, ...errors(400, 401, 403) },
      },
    },
    async (request) => admin.listUsers(actor(request), request.query),
  );

  app.get(
    '/api/v1/admin/users/:id',
    {
      schema: {
        tags,
        operationId: 'adminGetUser',
        summary: 'One account, as in the list',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: AdminUserResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ user: await admin.getUser(actor(request), request.params.id) }),
  );

  app.post(
    '/api/v1/admin/users/:id/deactivate',
    {
      schema: {
        tags,
        operationId: 'adminDeactivateUser',
        summary:
          'Deactivate an account: every session ends (sockets closed with 4403 on every node), sign-in and refresh answer 403 account_deactivated. Not yourself (409)',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: AdminUserResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request) => ({ user: await admin.deactivate(actor(request), request.params.id) }),
  );

  app.post(
    '/api/v1/admin/users/:id/reactivate',
    {
      schema: {
        tags,
        operationId: 'adminReactivateUser',
        summary: 'Let a deactivated account sign in again (its old sessions stay ended)',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: AdminUserResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ user: await admin.reactivate(actor(request), request.params.id) }),
  );

  app.post(
    '/api/v1/admin/users/:id/password-reset',
    {
      schema: {
        tags,
        operationId: 'adminSendPasswordReset',
        summary: 'Mail the user a link to reset their password (as "forgot password" does); 409 when the account has no verified address',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 202: AdminResetSentResponse, ...errors(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => reply.status(202).send(await admin.sendPasswordReset(actor(request), request.params.id)),
  );

  app.post(
    '/api/v1/admin/users/:id/logout-all',
    {
      schema: {
        tags,
        operationId: 'adminEndUserSessions',
        summary: 'End every session of the user (sockets closed with 4403 on every node); they can sign in again',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: SessionsEndedResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => admin.endSessions(actor(request), request.params.id),
  );

  app.get(
    '/api/v1/admin/stats',
    {
      schema: {
        tags,
        operationId: 'adminStats',
        summary: 'Instance statistics: accounts, conversations, messages, and the WebSockets open on each live node',
        security: bearer,
        querystring: NoQuery,
        response: { 200: InstanceStats, ...errors(400, 401, 403) },
      },
    },
    async (request) => admin.stats(actor(request)),
  );

  app.get(
    '/api/v1/admin/audit',
    {
      schema: {
        tags,
        operationId: 'adminAuditLog',
        summary:
          'The audit log, newest first: admin actions and security events (failed sign-ins, resets, ended sessions, rate-limit trips), kept AUDIT_RETENTION_DAYS',
        security: bearer,
        querystring: AuditQuery,
        response: { 200: AuditPage, ...errors(400, 401, 403) },
      },
    },
    async (request) => admin.auditLog(actor(request), request.query),
  );
};
