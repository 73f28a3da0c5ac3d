import Type from 'typebox';
import { DecryptFailureReport, IdParams, MlsGroupState } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, bearer, errors } from '../responses.js';

/**
 * End-to-end encryption, part 2 (issue 39): an encrypted conversation's MLS group state, and the
 * decrypt failures devices report. MLS messages themselves are sent as messages (`mls` on
 * `POST /api/v1/conversations/:id/messages` and the `message.send` frame).
 */
export const encryptedConversationRoutes: RoutePlugin = async (app, { encryption: { conversations }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['encryption'];

  app.get(
    '/api/v1/conversations/:id/mls',
    {
      schema: {
        operationId: 'getMlsGroup',
        tags,
        summary:
          "An encrypted conversation's MLS group: id, ciphersuite, current epoch, latest GroupInfo (404 for a plain one or a non-member)",
        security: bearer,
        params: IdParams,
        querystring: NoQuery,
        response: { 200: MlsGroupState, ...errors(400, 401, 404) },
      },
    },
    async (request) => conversations.groupState(claims(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/conversations/:id/mls/decrypt-failures',
    {
      schema: {
        operationId: 'reportDecryptFailures',
        tags,
        summary: 'Report MLS messages this device could not decrypt: counts, epochs and a reason only, never content (a metric)',
        security: bearer,
        params: IdParams,
        body: DecryptFailureReport,
        response: { 204: Type.Null(), ...errors(400, 401, 404) },
      },
    },
    async (request, reply) => {
      await conversations.reportDecryptFailures(claims(request).userId, request.params.id, request.body);
      return reply.status(204).send(null);
    },
  );
};
