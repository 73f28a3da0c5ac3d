import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import multipart from '@fastify/multipart';
import Type from 'typebox';
import { IdParams, ImportResponse, ImportSource } from '@confab/protocol';
import { AppError, detail, invalid } from '../../errors.js';
import { newId } from '../../ids.js';
import { importView } from '../../services/imports/import-view.js';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';
import { validatorCompiler } from '../validation.js';

/** The multipart body, for the document: the handler streams it (the file to a temporary file). */
const ImportBody = Type.Object({ source: ImportSource, file: Type.String({ format: 'binary' }) }, { required: ['source', 'file'] });

/**
 * Imports (issue 37), admins only (403 before the body is read). The export is streamed to a
 * file under DATA_DIR/imports (a zip is read by random access), the import queued, and 202
 * answered at once; the run's progress is `GET /api/v1/admin/imports/:id`.
 */
export const importRoutes: RoutePlugin = async (app, { admin: { admin }, accounts: { tokens }, imports: { imports }, config }) => {
  await app.register(multipart, { limits: { fileSize: config.importMaxBytes + 1, files: 1, fields: 1, parts: 2, headerPairs: 100 } });
  app.addHook('onRequest', bearerAuth(tokens));
  app.addHook('onRequest', async (request) => admin.authorize(claims(request).userId));
  const tags = ['admin'];

  app.post(
    '/api/v1/admin/imports',
    {
      schema: {
        tags,
        operationId: 'createImport',
        summary: `Import a Slack workspace export or a Mattermost bulk export: multipart/form-data with a field \`source\` (\`slack\` | \`mattermost\`) and one part named \`file\` (at most IMPORT_MAX_BYTES). Answers 202 with the queued run; poll it by id. Running the same export again adds nothing`,
        security: bearer,
        consumes: ['multipart/form-data'],
        body: ImportBody,
        response: { 202: ImportResponse, ...errors(400, 401, 403, 413, 415) },
      },
      validatorCompiler: (route) => (route.httpPart === 'body' ? () => true : validatorCompiler(route)),
    },
    async (request, reply) => {
      if (!request.isMultipart())
        throw new AppError('unsupported_media_type', 'Send the export as multipart/form-data: a field "source" and a part named "file"');
      const dir = path.join(config.dataDir, 'imports');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${newId()}.upload`);
      let source: string | undefined;
      let received = false;
      let name = 'export';
      try {
        for await (const part of request.parts()) {
          if (part.type === 'field') {
            if (part.fieldname === 'source') source = String(part.value);
            continue;
          }
          if (part.fieldname !== 'file' || received) {
            part.file.resume();
            throw invalid('The export must be in one part named "file"', [detail(`/${part.fieldname}`, 'is not allowed')]);
          }
          name = path.basename(part.filename || name);
          await pipeline(part.file, createWriteStream(file));
          received = true;
        }
        const problems = [
          ...(source === 'slack' || source === 'mattermost' ? [] : [detail('/source', 'must be "slack" or "mattermost"')]),
          ...(received ? [] : [detail('/file', 'is required')]),
        ];
        if (problems.length > 0)
          throw invalid('Send a field "source" (slack or mattermost) and the export in a part named "file"', problems);
      } catch (error) {
        await rm(file, { force: true });
        if (error instanceof AppError) throw error;
        if ((error as { code?: unknown }).code === 'FST_REQ_FILE_TOO_LARGE')
          throw new AppError('payload_too_large', `The export is larger than IMPORT_MAX_BYTES (${config.importMaxBytes} bytes)`);
        throw invalid(`The multipart body could not be read: ${error instanceof Error ? error.message : String(error)}`, [
          detail('/file', 'could not be read'),
        ]);
      }
      const started = await imports.start(claims(request).userId, source as 'slack' | 'mattermost', file, name);
      return reply.status(202).send({ import: importView(started) });
    },
  );

  app.get(
    '/api/v1/admin/imports/:id',
    {
      schema: {
        tags,
        operationId: 'getImport',
        summary: 'An import run: its state (queued, running, done, failed), what it added so far by kind, and the files it could not read',
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: ImportResponse, ...errors(400, 401, 403, 404) },
      },
    },
    async (request) => ({ import: importView(await imports.get(request.params.id)) }),
  );
};
