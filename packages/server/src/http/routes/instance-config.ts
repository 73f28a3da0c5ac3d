import { InstanceConfig } from '@confab/protocol';
import { instanceConfig } from '../../services/admin/instance-config.js';
import type { RoutePlugin } from '../context.js';
import { NoQuery, errors, unauthenticated } from '../responses.js';

/** `GET /api/v1/config`: public, so the sign-up page and the composer know the limits before signing in. */
export const instanceConfigRoutes: RoutePlugin = async (app, { config }) => {
  const answer = instanceConfig(config);
  app.get(
    '/api/v1/config',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getInstanceConfig',
        security: unauthenticated,
        summary: "This instance's limits and optional features: longest message, largest upload, most attachments, who may sign up",
        querystring: NoQuery,
        response: { 200: InstanceConfig, ...errors(400) },
      },
    },
    async () => answer,
  );
};
