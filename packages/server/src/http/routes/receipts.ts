import { DeliveredBody, DeliveryMarker, IdParams, ReceiptList } from '@confab/protocol';
import { bearerAuth, claims } from '../authenticate.js';
import type { RoutePlugin } from '../context.js';
import { bearer, errors } from '../responses.js';

/** Receipts: read markers are moved by `POST …/read` (messages.ts); delivery markers here. */
export const receiptRoutes: RoutePlugin = async (app, { messaging: { messages }, accounts: { tokens } }) => {
  app.addHook('onRequest', bearerAuth(tokens));
  const tags = ['receipts'];

  app.get(
    '/api/v1/conversations/:id/receipts',
    {
      schema: {
        tags,
        operationId: 'listReceipts',
        summary: "Each member's markers: read up to `readSeq`, delivered to a device of theirs up to `deliveredSeq`",
        security: bearer,
        params: IdParams,
        response: { 200: ReceiptList, ...errors(401, 404) },
      },
    },
    async (request) => messages.receipts(claims(request).userId, request.params.id),
  );

  app.post(
    '/api/v1/conversations/:id/delivered',
    {
      schema: {
        tags,
        operationId: 'markDelivered',
        summary: 'A device of mine has received the messages up to `seq` (never moves back; the WebSocket `delivered` frame does the same)',
        security: bearer,
        params: IdParams,
        body: DeliveredBody,
        response: { 200: DeliveryMarker, ...errors(400, 401, 404) },
      },
    },
    async (request) => messages.markDelivered(claims(request).userId, request.params.id, request.body.seq),
  );
};
