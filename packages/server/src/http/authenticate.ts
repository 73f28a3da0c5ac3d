import type { FastifyRequest } from 'fastify';
import { unauthenticated } from '../errors.js';
import type { AccessClaims, TokenService } from '../services/accounts/token-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
}

/**
 * Reads `Authorization: Bearer <token>`; the onRequest hook of every signed-in route, so a caller
 * without a valid token gets 401 before the body is parsed or validated (never a 400 or 413).
 */
export function bearerAuth(tokens: TokenService) {
  return async (request: FastifyRequest): Promise<void> => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated();
    request.auth = await tokens.verifyAccessToken(match[1]!);
  };
}

/** The signed-in user's claims; only call inside routes guarded by bearerAuth. */
export function claims(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}
