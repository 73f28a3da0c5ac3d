import {
  ApproveDeviceLinkBody,
  CreateDeviceLinkBody,
  DeviceLinkCreated,
  DeviceLinkList,
  DeviceLinkParams,
  DeviceLinkTaken,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** Device linking (issue 39 part 4): a new device's request for my identity key, and its answer. */
export const deviceLinkRoutes: RoutePlugin = async (app, { encryption: { links }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['encryption'];

  app.post(
    '/api/v1/device-links',
    {
      schema: {
        operationId: 'requestDeviceLink',
        tags,
        summary: 'A new device asks a device of mine for my identity key: it publishes an ephemeral X25519 key; pending for ten minutes',
        security: bearer,
        body: CreateDeviceLinkBody,
        response: { 201: DeviceLinkCreated, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => reply.status(201).send({ link: await links.request(claims(request).userId, request.body) }),
  );

  app.get(
    '/api/v1/device-links',
    {
      schema: {
        operationId: 'listDeviceLinks',
        tags,
        summary: 'My link requests still pending, oldest first: what my devices prompt for',
        security: bearer,
        querystring: NoQuery,
        response: { 200: DeviceLinkList, ...errors(400, 401) },
      },
    },
    async (request) => ({ links: await links.pending(claims(request).userId) }),
  );

  app.get(
    '/api/v1/device-links/:id',
    {
      schema: {
        operationId: 'getDeviceLink',
        tags,
        summary: 'One of my link requests as it stands (404 for another user’s)',
        security: bearer,
        params: DeviceLinkParams,
        querystring: NoQuery,
        response: { 200: DeviceLinkCreated, ...errors(400, 401, 404) },
      },
    },
    async (request) => ({ link: await links.get(claims(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/device-links/:id/approve',
    {
      schema: {
        operationId: 'approveDeviceLink',
        tags,
        summary:
          'A device of mine answers a pending request with my identity key sealed to its key: 409 link_used when answered already, 410 link_expired',
        security: bearer,
        params: DeviceLinkParams,
        body: ApproveDeviceLinkBody,
        response: { 200: DeviceLinkCreated, ...errors(400, 401, 404, 409, 410) },
      },
    },
    async (request) => ({ link: await links.approve(claims(request).userId, request.params.id, request.body) }),
  );

  app.post(
    '/api/v1/device-links/:id/decline',
    {
      schema: {
        operationId: 'declineDeviceLink',
        tags,
        summary: 'A device of mine refuses a pending request',
        security: bearer,
        params: DeviceLinkParams,
        response: { 200: DeviceLinkCreated, ...errors(400, 401, 404, 409, 410) },
      },
    },
    async (request) => ({ link: await links.decline(claims(request).userId, request.params.id) }),
  );

  app.post(
    '/api/v1/device-links/:id/take',
    {
      schema: {
        operationId: 'takeDeviceLink',
        tags,
        summary:
          'The new device takes the sealed identity key of an approved request, once (409 conflict while pending, 409 link_used after, 410 link_expired)',
        security: bearer,
        params: DeviceLinkParams,
        response: { 200: DeviceLinkTaken, ...errors(400, 401, 404, 409, 410) },
      },
    },
    async (request) => links.take(claims(request).userId, request.params.id),
  );
};
