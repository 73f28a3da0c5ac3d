import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { IdParams, Me, UpdateMeBody, User, UserPage, UserSearchQuery } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';
import { validatorCompiler } from '../validation.js';

const Binary = Type.String({ format: 'binary' });
const AvatarBody = Type.Object({ file: Binary }, { required: ['file'] });
const AvatarQuery = Type.Object({
  size: Type.Optional(Type.Union([Type.Literal('64'), Type.Literal('256')], { description: 'Pixels square; 256 by default' })),
  v: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}$', description: "The version in the user's avatarUrl; 404 once replaced" })),
});

export const userRoutes: RoutePlugin = async (app, { accounts: { users, tokens, avatars }, config }) => {
  // Multipart for the avatar upload only (registered in this plugin, so no other route parses it).
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
  app.addHook('onRequest', bearerAuth(tokens));

  app.get(
    '/api/v1/users/me',
    { schema: { tags: ['users'], operationId: 'getMe', summary: 'My profile', security: bearer, response: { 200: Me, ...errors(401) } } },
    async (request) => users.getMe(claims(request).userId),
  );

  app.patch(
    '/api/v1/users/me',
    {
      schema: {
        tags: ['users'],
        operationId: 'updateMe',
        summary: 'Change my display name, bio, time zone or last-seen privacy',
        security: bearer,
        body: UpdateMeBody,
        response: { 200: Me, ...errors(400, 401) },
      },
    },
    async (request) => users.updateMe(claims(request).userId, request.body),
  );

  app.get(
    '/api/v1/users',
    {
      schema: {
        tags: ['users'],
        operationId: 'searchUsers',
        summary:
          'Search the user directory by username prefix or display name (DIRECTORY=shared: only people I share a conversation with, or an exact username); deactivated accounts are listed to admins only (with `deactivated: true`)',
        security: bearer,
        querystring: UserSearchQuery,
        response: { 200: UserPage, ...errors(400, 401) },
      },
    },
    async (request) => users.search(claims(request).userId, request.query),
  );

  app.get(
    '/api/v1/users/:id',
    {
      schema: {
        tags: ['users'],
        operationId: 'getUser',
        summary: "A user's public profile",
        security: bearer,
        params: IdParams,
        response: { 200: User, ...errors(401, 404) },
      },
    },
    async (request) => users.getUser(request.params.id),
  );

  app.put(
    '/api/v1/users/me/avatar',
    {
      schema: {
        tags: ['users'],
        operationId: 'setMyAvatar',
        summary:
          'Set my picture: multipart/form-data with one part named `file`, a PNG, JPEG, WebP or GIF (its first frame) told by its bytes; cropped square about the centre. 415 unsupported_media_type for anything else or an unreadable image, 413 payload_too_large past MAX_UPLOAD_BYTES or 50 megapixels',
        security: bearer,
        consumes: ['multipart/form-data'],
        body: AvatarBody,
        response: { 200: Me, ...errors(400, 401, 413, 415) },
      },
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    },
    async (request) => {
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the picture as multipart/form-data, in a part named "file"');
      const part = await request.file({ throwFileSizeLimit: false }).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw invalid('The multipart body is malformed', [detail('/file', 'could not be read')]);
      });
      if (!part || part.fieldname !== 'file') {
        part?.file.resume();
        throw invalid('Send the picture in a multipart part named "file"', [detail('/file', 'is required')]);
      }
      return avatars.set(claims(request).userId, part.file);
    },
  );

  app.delete(
    '/api/v1/users/me/avatar',
    {
      schema: {
        tags: ['users'],
        operationId: 'removeMyAvatar',
        summary: 'Remove my picture (avatarUrl becomes null); removing none is no error',
        security: bearer,
        response: { 200: Me, ...errors(401) },
      },
    },
    async (request) => avatars.remove(claims(request).userId),
  );

  app.get(
    '/api/v1/users/:id/avatar',
    {
      schema: {
        tags: ['users'],
        operationId: 'getAvatar',
        summary:
          "A user's picture (image/webp), to any signed-in user; a `v` other than the current one is 404 (a version's bytes never change); ETag and If-None-Match. 404 without one",
        security: bearer,
        params: IdParams,
        querystring: AvatarQuery,
        response: {
          200: { description: 'The picture (image/webp)', content: { 'image/webp': { schema: Binary } } },
          304: { description: 'Not modified', type: 'null' },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, typedReply) => {
      const reply = typedReply as FastifyReply; // its bytes are a stream, not the schema's JSON
      const { size, v } = request.query;
      const picture = await avatars.get(request.params.id, size === '64' ? 64 : 256, v === undefined ? undefined : Number(v));
      reply.header('etag', picture.etag);
      reply.header('x-content-type-options', 'nosniff');
      // No Cache-Control of its own: every API answer is no-store (http/surface.ts). The web app
      // keeps each version for the session instead (features/profile/avatar-urls.ts).
      if (request.headers['if-none-match'] === picture.etag) {
        picture.body.destroy();
        return reply.status(304).send();
      }
      return reply.type('image/webp').send(picture.body);
    },
  );
};
