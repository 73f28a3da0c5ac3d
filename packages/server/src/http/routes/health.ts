import { HealthResponse } from '@confab/protocol';
import { AppError } from '../../errors.js';
import type { RoutePlugin } from '../context.js';
import { errors } from '../responses.js';

export const healthRoutes: RoutePlugin = async (app, { store }) => {
  app.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'Answers 200 while the store is reachable', response: { 200: HealthResponse, ...errors(503) } },
    },
    async () => {
      try {
        await store.ping();
      } catch {
        throw new AppError('unavailable', 'The database is not reachable');
      }
      return { status: 'ok' as const };
    },
  );
};
