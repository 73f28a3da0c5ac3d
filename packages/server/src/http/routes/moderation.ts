import Type from 'typebox';
import {
  AdminHeldPage,
  AdminHeldQuery,
  AdminReport,
  AdminReportPage,
  AdminReportQuery,
  HeldParams,
  IdParams,
  MessageResponse,
  ResolveReportBody,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/**
 * Assist's review queue (issue 40; docs/assist.md): reports and held messages, instance admins
 * only. As every admin route, refused with 401/403 before its parameters or body are read.
 */
export const moderationRoutes: RoutePlugin = async (app, { assist, admin: { admin }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  app.addHook('onRequest', async (request) => admin.authorize(claims(request).userId));
  const adminTags = ['admin'];
  app.get(
    '/api/v1/admin/reports',
    {
      schema: {
        tags: adminTags,
        operationId: 'adminListReports',
        summary: 'Reports of messages, newest first: open ones (default) or resolved ones; instance admins only',
        security: bearer,
        querystring: AdminReportQuery,
        response: { 200: AdminReportPage, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.moderation.listReports(claims(request).userId, request.query),
  );

  app.post(
    '/api/v1/admin/reports/:id/resolve',
    {
      schema: {
        tags: adminTags,
        operationId: 'adminResolveReport',
        summary:
          "Resolves a report, and the other open reports of its message: `spam` or `not_spam` trains the instance's spam model with the message, `dismiss` trains nothing. Resolving a resolved report again changes nothing; 404 for no such report",
        security: bearer,
        params: IdParams,
        body: ResolveReportBody,
        response: { 200: AdminReport, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => assist.moderation.resolve(claims(request).userId, request.params.id, request.body.decision),
  );

  app.get(
    '/api/v1/admin/held',
    {
      schema: {
        tags: adminTags,
        operationId: 'adminListHeld',
        summary: 'Messages held for review by the spam model, oldest first, each with its score; instance admins only',
        security: bearer,
        querystring: AdminHeldQuery,
        response: { 200: AdminHeldPage, ...errors(400, 401, 403) },
      },
    },
    async (request) => assist.moderation.listHeld(claims(request).userId, request.query),
  );

  app.post(
    '/api/v1/admin/held/:messageId/release',
    {
      schema: {
        tags: adminTags,
        operationId: 'adminReleaseHeld',
        summary:
          'Delivers a held message to its conversation now (its id kept) and trains the spam model with it as ordinary; 404 when none is held by that id',
        security: bearer,
        params: HeldParams,
        response: { 200: MessageResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ message: await assist.moderation.release(claims(request).userId, request.params.messageId) }),
  );

  app.delete(
    '/api/v1/admin/held/:messageId',
    {
      schema: {
        tags: adminTags,
        operationId: 'adminDeleteHeld',
        summary:
          'Deletes a held message (it never reaches anyone) and trains the spam model with it as spam; 404 when none is held by that id',
        security: bearer,
        params: HeldParams,
        response: { 204: Type.Null(), ...errors(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      await assist.moderation.deleteHeld(claims(request).userId, request.params.messageId);
      return reply.status(204).send(null);
    },
  );
};
