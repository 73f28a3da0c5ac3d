import { Readable } from 'node:stream';
import { ChangeEmailBody, DeleteMeBody, Me, UserExport, VerifyEmailBody, VerifyEmailResponse } from '@confab/protocol';
import Type from 'typebox';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors, unauthenticated } from '../responses.js';

/** My email address, my data, and erasing my account. */
export const accountRoutes: RoutePlugin = async (app, { accounts: { emailVerification, account, dataExport, tokens } }) => {
  app.post(
    '/api/v1/auth/email/verify',
    {
      schema: {
        tags: ['auth'],
        operationId: 'verifyEmail',
        security: unauthenticated,
        summary:
          'Confirm an email address with the token from the verification mail (single use, EMAIL_VERIFY_TTL_SECONDS). The first account to confirm an address owns it: the other accounts that gave it lose it, and a later confirmation is 409 `email_taken`',
        body: VerifyEmailBody,
        response: { 200: VerifyEmailResponse, ...errors(400, 409) },
      },
    },
    async (request) => emailVerification.verify(request.body.token),
  );

  app.post(
    '/api/v1/users/me/email',
    {
      onRequest: bearerAuth(tokens),
      schema: {
        tags: ['users'],
        operationId: 'changeEmail',
        security: bearer,
        summary: 'Change my email address (my password is needed); the new one is unverified until the link mailed to it is opened',
        body: ChangeEmailBody,
        response: { 200: Me, ...errors(400, 401, 403, 409) },
      },
    },
    async (request) => emailVerification.change(claims(request).userId, request.body.email, request.body.password),
  );

  app.get(
    '/api/v1/users/me/export',
    {
      onRequest: bearerAuth(tokens),
      schema: {
        tags: ['users'],
        operationId: 'exportMyData',
        security: bearer,
        summary: 'All my data as one JSON document (profile, sessions, conversations, my messages, my receipts), streamed as it is read',
        querystring: NoQuery,
        response: { 200: UserExport, ...errors(400, 401) },
      },
    },
    async (request, reply) => {
      const { userId, sessionId } = claims(request);
      const stream = dataExport.stream(userId, sessionId);
      // The first chunk is awaited here: a failure before any byte is an ordinary error answer.
      const first = await stream.next();
      const body = Readable.from(
        (async function* () {
          if (!first.done) yield first.value;
          yield* stream;
        })(),
      );
      return (
        reply
          .type('application/json; charset=utf-8')
          .header('content-disposition', 'attachment; filename="confab-export.json"')
          // A stream is sent as it is (Fastify serialises only objects): the schema documents what it yields.
          .send(body as never)
      );
    },
  );

  app.delete(
    '/api/v1/users/me',
    {
      onRequest: bearerAuth(tokens),
      schema: {
        tags: ['users'],
        operationId: 'deleteMe',
        security: bearer,
        summary:
          'Erase my account (my password is needed): profile blanked, every session ended, username free again after USERNAME_HOLD_DAYS. My messages stay for the others under "Deleted user", unless `eraseMessages` is true: then they are deleted (tombstones)',
        body: DeleteMeBody,
        response: { 204: Type.Null(), ...errors(400, 401, 403) },
      },
    },
    async (request, reply) => {
      await account.erase(claims(request).userId, request.body);
      return reply.status(204).send(null);
    },
  );
};
