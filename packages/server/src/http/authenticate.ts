import type { FastifyReply, FastifyRequest } from 'fastify';
import { unauthenticated } from '../errors.js';
import type { AccessClaims, TokenService } from '../services/accounts/token-service.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AccessClaims | null;
  }
}

/**
 * Reads `Authorization: Bearer <token>`; the onRequest hook of every signed-in route, so a caller
 * without a valid token gets 401 before the body is parsed or validated (never a 400 or 413). A
 * callback hook: a token verified before is answered in the same turn, without a promise (every
 * signed-in request runs this; issue 41).
 */
export function bearerAuth(tokens: TokenService) {
  return (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return done(unauthenticated());
    let known: AccessClaims | undefined;
    try {
      known = tokens.verifiedAccessToken(match[1]!);
    } catch (error) {
      return done(error as Error);
    }
    if (known !== undefined) {
      request.auth = known;
      return done();
    }
    tokens.verifyAccessToken(match[1]!).then((claims) => {
      request.auth = claims;
      done();
    }, done);
  };
}

/** The signed-in user's claims; only call inside routes guarded by bearerAuth. */
export function claims(request: FastifyRequest): AccessClaims {
  if (!request.auth) throw unauthenticated();
  return request.auth;
}
