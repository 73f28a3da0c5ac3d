import Type from 'typebox';
import {
  ClaimedKeyPackages,
  DeviceCreated,
  DeviceList,
  DeviceListLookup,
  DeviceListLookupBody,
  DeviceParams,
  IdParams,
  KeyPackagesUploaded,
  PutIdentityBody,
  RegisterDeviceBody,
  UploadKeyPackagesBody,
  UserDevices,
  UserIdentity,
} from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/** End-to-end encryption, part 1 (issue 39): devices, the signed device list, KeyPackages. */
export const deviceRoutes: RoutePlugin = async (app, { encryption: { devices }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['encryption'];

  app.post(
    '/api/v1/devices',
    {
      schema: {
        operationId: 'registerDevice',
        tags,
        summary: 'Register this device for end-to-end encryption: 201 when new, 200 when the same registration was made before',
        security: bearer,
        body: RegisterDeviceBody,
        response: { 200: DeviceCreated, 201: DeviceCreated, ...errors(400, 401, 409) },
      },
    },
    async (request, reply) => {
      const { created, device } = await devices.register(claims(request).userId, request.body);
      return reply.status(created ? 201 : 200).send({ device });
    },
  );

  app.get(
    '/api/v1/devices',
    {
      schema: {
        operationId: 'listMyDevices',
        tags,
        summary: 'My active devices, oldest first (revoked ones are not listed)',
        security: bearer,
        querystring: NoQuery,
        response: { 200: DeviceList, ...errors(400, 401) },
      },
    },
    async (request) => ({ devices: await devices.mine(claims(request).userId) }),
  );

  app.delete(
    '/api/v1/devices/:id',
    {
      schema: {
        operationId: 'revokeDevice',
        tags,
        summary:
          'Revoke a device of mine (idempotent): its KeyPackages are dropped and it is no longer listed. Publish a new signed list without it',
        security: bearer,
        params: DeviceParams,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await devices.revoke(claims(request).userId, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.put(
    '/api/v1/users/me/identity',
    {
      schema: {
        operationId: 'putMyIdentity',
        tags,
        summary: 'Publish my identity key and the device list it signed; each version once, newer than the last',
        security: bearer,
        body: PutIdentityBody,
        response: { 200: UserIdentity, ...errors(400, 401, 409) },
      },
    },
    async (request) => devices.putIdentity(claims(request).userId, request.body),
  );

  app.get(
    '/api/v1/users/:id/devices',
    {
      schema: {
        operationId: 'getUserDevices',
        tags,
        summary: "A user's identity key, signed device list and active devices",
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: UserDevices, ...errors(400, 401, 404) },
      },
    },
    async (request) => devices.devicesOf(request.params.id),
  );

  app.post(
    '/api/v1/users/devices/lookup',
    {
      schema: {
        operationId: 'lookupUserDevices',
        tags,
        summary:
          "Several users' identity keys, signed device lists and active devices in one read (what a Welcome's credential checks need)",
        security: bearer,
        body: DeviceListLookupBody,
        response: { 200: DeviceListLookup, ...errors(400, 401) },
      },
    },
    async (request) => devices.devicesOfUsers(request.body.userIds),
  );

  app.post(
    '/api/v1/devices/:id/key-packages',
    {
      schema: {
        operationId: 'uploadKeyPackages',
        tags,
        summary: "Add KeyPackages to my device's pool (one already there is not added again) and set its last-resort package",
        security: bearer,
        params: DeviceParams,
        body: UploadKeyPackagesBody,
        response: { 200: KeyPackagesUploaded, ...errors(400, 401, 404, 409) },
      },
    },
    async (request) => devices.uploadKeyPackages(claims(request).userId, request.params.id, request.body),
  );

  app.post(
    '/api/v1/users/:id/key-packages/claim',
    {
      schema: {
        operationId: 'claimKeyPackages',
        tags,
        summary:
          "Claim one KeyPackage of each of a user's active devices, to add them to a group; each single-use package is handed out once",
        security: bearer,
        params: IdParams,
        response: { 200: ClaimedKeyPackages, ...errors(400, 401, 404) },
      },
    },
    async (request) => devices.claim(request.params.id),
  );
};
