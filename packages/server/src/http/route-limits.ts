import type { FastifyInstance } from 'fastify';
import { ErrorResponse } from '@confab/protocol';
import type { RateLimitName } from '../rate-limit-config.js';
import type { RateLimitService } from '../services/rate-limits.js';

/**
 * The per-address limits of the routes that take no token, by operationId: a route registered
 * under one of these names is limited (and its 429 documented) with no more wiring. Per-account
 * and per-user limits are counted by the services, which know the account.
 */
// POST /api/v1/auth/password/forgot (`forgotPassword`) also counts the account, in
// PasswordResetService, after its answer.
export const ROUTE_LIMITS: Readonly<Record<string, RateLimitName>> = {
  register: 'registerIp',
  login: 'loginIp',
  forgotPassword: 'passwordForgotIp',
};

/**
 * Adds each named route's limit as its first onRequest hook, so a flood is refused before its
 * body is read. The address is `request.ip`: the peer's, or the one a TRUST_PROXY proxy forwarded.
 */
export function installRouteLimits(app: FastifyInstance, rateLimits: RateLimitService): void {
  app.addHook('onRoute', (route) => {
    const operationId = (route.schema as { operationId?: string } | undefined)?.operationId;
    const limit = operationId === undefined ? undefined : ROUTE_LIMITS[operationId];
    if (limit === undefined) return;
    const hook = async (request: { ip: string }) => rateLimits.consume(limit, request.ip, { ip: request.ip });
    const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [hook, ...existing];
    if (route.schema?.response !== undefined) (route.schema.response as Record<number, unknown>)[429] = ErrorResponse;
  });
}
