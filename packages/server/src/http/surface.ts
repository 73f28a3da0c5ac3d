import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import cors from '@fastify/cors';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { unauthenticated } from '../errors.js';

/**
 * The policy every answer carries: ready for a web app served from this origin, which may load
 * scripts, styles, images, media and fonts from here only (images and media also from its own
 * object URLs), talk to this origin only (its WebSocket
 * included: `'self'` covers ws/wss to the same host), and be framed by nobody.
 */
export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'"],
  // blob: the web app shows files it downloaded with the bearer token (thumbnails, voice notes)
  // from object URLs it made itself; an <img> or <audio> cannot send the token.
  imgSrc: ["'self'", 'data:', 'blob:'],
  mediaSrc: ["'self'", 'blob:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  upgradeInsecureRequests: null,
};

/** /docs only: Swagger UI sets inline styles (never inline scripts: its scripts are files). */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; script-src-attr 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/**
 * Security headers (helmet), CORS from the exact CORS_ORIGINS allowlist (none by default: the API
 * takes bearer tokens, never cookies, so no credentials), and `Cache-Control: no-store` on every
 * API answer: they carry tokens and people's messages, which no shared or browser cache may keep.
 */
export async function installSurface(app: FastifyInstance, config: Config): Promise<void> {
  // Lower-case names, into the reply's own headers: Fastify hands them to `writeHead` in one
  // object, where the response's `setHeader` made a [name, value] pair and a lower-cased copy of
  // the name for each, every request (~3 KB a REST send, issue 41's allocation profile).
  const securityHeaders = helmetHeaders().map(([name, value]) => [name.toLowerCase(), value] as const);
  app.addHook('onRequest', (_request, reply, done) => {
    for (const [name, value] of securityHeaders) void reply.header(name, value);
    done();
  });
  // With no allowlist nothing is ever allowed, so the plugin is left out: it would answer no
  // request differently (no header; a preflight is answered as any OPTIONS is), yet it copied
  // its options and made two closures on every request (2.7 % of a REST send's main thread).
  if (config.corsOrigins.length > 0)
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['authorization', 'content-type'],
      exposedHeaders: ['retry-after'],
      credentials: false,
      maxAge: 600,
    });
  app.addHook('onSend', (request, reply, payload, done) => {
    if (request.url.startsWith('/api/')) void reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}

/**
 * The headers helmet sets, asked of it once. They depend on nothing in the request (no nonces),
 * so every answer gets the same list; running helmet's twelve middlewares on each request took 3 %
 * of the main thread on a REST send load (issue 13's profile). (@fastify/helmet, before, built
 * the middleware itself anew on every request: about 100 µs of parsing the policy each time.)
 */
export function helmetHeaders(): [name: string, value: string][] {
  // By lower-case name (as HTTP compares them), each kept with helmet's own spelling.
  const headers = new Map<string, [name: string, value: string]>();
  const recorder = {
    setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), [name, value]),
    // helmet drops X-Powered-By, which Node's server never sets.
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let finished = false;
  helmet({ contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY } })(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    (error?: unknown) => {
      if (error) throw error as Error;
      finished = true;
    },
  );
  // helmet's middlewares run synchronously: a version that did not would leave the list short.
  if (!finished) throw new Error('helmet did not finish synchronously');
  return [...headers.values()];
}

/** METRICS_TOKEN: when set, `/metrics` answers only a matching bearer token (compared in constant time). */
export function metricsGuard(config: Config) {
  const expected = config.metricsToken === null ? null : digest(config.metricsToken);
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (expected === null) return;
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
    if (!match || !timingSafeEqual(digest(match[1]!), expected))
      throw unauthenticated('GET /metrics needs METRICS_TOKEN as a bearer token');
  };
}

const digest = (value: string) => createHash('sha256').update(value).digest();
