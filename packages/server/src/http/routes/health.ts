import { HealthResponse, ReadyResponse } from '@confab/protocol';
import { AppError, detail } from '../../errors.js';
import type { ReadinessProbe, RoutePlugin } from '../context.js';
import { NoQuery, errors, unauthenticated } from '../responses.js';

/** A probe that has not answered by then counts as down: a load balancer's own timeout is short. */
const PROBE_TIMEOUT_MS = 2000;

export const healthRoutes: RoutePlugin = async (app, { store, readiness }) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getHealth',
        security: unauthenticated,
        summary: 'Answers 200 while the store is reachable',
        querystring: NoQuery,
        response: { 200: HealthResponse, ...errors(400, 503) },
      },
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

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        operationId: 'getReadiness',
        security: unauthenticated,
        summary: 'Answers 200 when every dependency of this node (store, bus) answers; 503 `unavailable` names those that do not',
        querystring: NoQuery,
        response: { 200: ReadyResponse, ...errors(400, 503) },
      },
    },
    async (request) => {
      const results = await Promise.all(readiness.map(async (probe) => ({ probe, error: await failureOf(probe) })));
      const checks = Object.fromEntries(results.map(({ probe, error }) => [probe.name, error === undefined ? 'ok' : 'unavailable']));
      const down = results.filter((r) => r.error !== undefined);
      if (down.length > 0) {
        for (const { probe, error } of down) request.log.warn({ err: error, probe: probe.name }, 'readiness probe failed');
        const details = down.map((r) => detail('', `${r.probe.name} not reachable`, { check: r.probe.name }));
        throw new AppError('unavailable', `Not ready: ${down.map((r) => r.probe.name).join(', ')} not reachable`, details);
      }
      return { status: 'ok' as const, checks: checks as Record<string, 'ok'> };
    },
  );
};

/** Runs a probe with a deadline; resolves with its error, or undefined when it answered. */
async function failureOf(probe: ReadinessProbe): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([probe.check(), deadline]);
    return undefined;
  } catch (error) {
    return error ?? new Error('probe failed');
  } finally {
    clearTimeout(timer);
  }
}
