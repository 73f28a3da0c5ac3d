import multipart from '@fastify/multipart';
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { IdParams, UploadResponse } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';
import type { Download } from '../../services/files/upload-service.js';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';
import { validatorCompiler } from '../validation.js';

const Binary = Type.String({ format: 'binary' });
/** The multipart body, for the document: Fastify does not parse it (the file is streamed by the handler). */
const UploadBody = Type.Object({ file: Binary }, { required: ['file'] });

/** The download answer, for the document: the bytes, with the headers that make serving them safe. */
const fileResponse = (description: string) => ({
  description,
  content: { 'application/octet-stream': { schema: Binary } },
});

/**
 * Files (issue 11). The upload is a multipart request with one part named `file`, streamed to the
 * blob store by the service (never buffered whole); downloads stream the bytes back with headers
 * that keep a served file from running as a page of this origin: its real type, `nosniff`, a
 * sandboxing CSP, and `attachment` for anything but images, audio and video.
 */
export const uploadRoutes: RoutePlugin = async (app, { files: { uploads }, accounts: { tokens }, config }) => {
  // Registered here, so multipart bodies are parsed for these routes only (the others take JSON).
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes + 1, files: 1, fields: 0, parts: 1, headerPairs: 100 } });
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['uploads'];

  app.post(
    '/api/v1/uploads',
    {
      schema: {
        tags,
        operationId: 'createUpload',
        summary: `Upload a file: multipart/form-data with one part named \`file\`. Its type is detected from the bytes; images get width, height and a thumbnail, audio and video their length. 413 payload_too_large past MAX_UPLOAD_BYTES (refused while streaming, nothing kept) or past the user's UPLOAD_QUOTA_BYTES (1 GiB by default); 429 rate_limited past RATE_LIMIT_UPLOAD_USER, before the file is read. An answer given before the body was read closes the connection`,
        security: bearer,
        consumes: ['multipart/form-data'],
        body: UploadBody,
        response: { 201: UploadResponse, ...errors(400, 401, 413, 415, 429) },
      },
      // The body is a stream the handler reads: nothing for the validator.
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named "file"');
      // Everything request.file() throws comes from parsing the client's body (no boundary, a
      // malformed part header, a body that ends early — issue 35 found `--x\r\n` answered 500):
      // each is the client's, a 400. Only our own refusals pass through as they are.
      const part = await request.file({ throwFileSizeLimit: false }).catch((error: unknown) => {
        if (error instanceof AppError) throw error;
        throw malformedMultipart(error);
      });
      if (!part) throw invalid('Send the file in a multipart part named "file"', [detail('/file', 'is required')]);
      if (part.fieldname !== 'file') {
        part.file.resume();
        throw invalid('The file must be in a part named "file"', [
          detail('/file', 'is required'),
          detail(`/${part.fieldname}`, 'is not allowed'),
        ]);
      }
      // The parser fails the file's stream when the body ends inside the file (truncated multipart).
      let parseError: unknown;
      part.file.once('error', (error) => (parseError ??= error));
      try {
        const upload = await uploads.create(claims(request).userId, { filename: part.filename, file: part.file });
        return await reply.status(201).send({ upload });
      } catch (error) {
        if (error instanceof AppError) throw error;
        // A client that went away mid-file is its own failure, not the server's (no 500 logged).
        if (request.raw.readableAborted || request.raw.destroyed) {
          throw invalid('The upload ended before the file did', [detail('/file', 'was cut off')]);
        }
        if (parseError !== undefined) throw malformedMultipart(parseError);
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/uploads/:id',
    {
      schema: {
        tags,
        operationId: 'downloadUpload',
        summary:
          'The file: to its uploader, and to members of a conversation with a live message carrying it (404 to anyone else). Content-Type is what the bytes are; Range (one range of bytes) answers 206; ETag and If-None-Match; images, audio and video inline, anything else as an attachment',
        security: bearer,
        params: IdParams,
        response: {
          200: fileResponse('The whole file'),
          206: fileResponse('The bytes the Range asked for (Content-Range)'),
          304: { description: 'Not modified (If-None-Match)', type: 'null' },
          ...errors(400, 401, 404, 416),
        },
      },
    },
    async (request, reply) => {
      try {
        const file = await uploads.download(claims(request).userId, request.params.id, request.headers.range);
        return sendFile(reply, file, request.headers['if-none-match']);
      } catch (error) {
        // 416 says how long the file is (RFC 9110 §15.5.17).
        const size =
          error instanceof AppError && error.code === 'range_not_satisfiable'
            ? (error.details?.[0]?.params as { size?: number } | undefined)?.size
            : undefined;
        if (size !== undefined) reply.header('content-range', `bytes */${String(size)}`);
        throw error;
      }
    },
  );

  app.get(
    '/api/v1/uploads/:id/thumbnail',
    {
      schema: {
        tags,
        operationId: 'downloadThumbnail',
        summary: `An image's thumbnail: WebP, at most 320 px on the long side; 404 for files that are not images. Allowed as the file is`,
        security: bearer,
        params: IdParams,
        response: {
          200: fileResponse('The thumbnail (image/webp)'),
          304: { description: 'Not modified', type: 'null' },
          ...errors(400, 401, 404),
        },
      },
    },
    async (request, reply) =>
      sendFile(reply, await uploads.thumbnail(claims(request).userId, request.params.id), request.headers['if-none-match']),
  );
};

/** A multipart body the parser could not read: the client's error, 400 saying what the parser found. */
const malformedMultipart = (error: unknown) =>
  invalid(`The multipart body is malformed: ${error instanceof Error ? error.message : String(error)}`, [
    detail('/file', 'could not be read'),
  ]);

/** Types a browser shows without running anything: raster images, audio, video. */
const showsInline = (type: string) =>
  (type.startsWith('image/') && type !== 'image/svg+xml') || type.startsWith('audio/') || type.startsWith('video/');

function sendFile(reply: FastifyReply, file: Download, ifNoneMatch: string | undefined) {
  const etag = `"${file.sha256}"`;
  reply
    .header('etag', etag)
    // Revalidated every time (the ETag makes that cheap): who may read a file can change.
    .header('cache-control', 'private, no-cache')
    .header('accept-ranges', 'bytes')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('content-disposition', contentDisposition(showsInline(file.contentType) ? 'inline' : 'attachment', file.filename));
  if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    file.body.destroy();
    return reply.status(304).send();
  }
  reply.type(file.contentType);
  if (file.range) {
    const { start, end } = file.range;
    reply
      .status(206)
      .header('content-range', `bytes ${start}-${end}/${file.size}`)
      .header('content-length', end - start + 1);
  } else {
    reply.status(200).header('content-length', file.size);
  }
  return reply.send(file.body);
}

/** RFC 6266: an ASCII fallback name and the UTF-8 one. */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
