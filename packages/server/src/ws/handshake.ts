import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import { CLOSE_CODES, tokenFromSubprotocols } from '@confab/protocol';
import type { Config } from '../config.js';
import { AppError, SessionRevoked, forbidden, invalid, notFound, toErrorBody, unauthenticated } from '../errors.js';
import type { AccessClaims, TokenService } from '../services/accounts/token-service.js';
import type { ConnectionRegistry } from './connection-registry.js';

export const WS_PATH = '/api/v1/ws';
/** The close reason that goes with 4403. */
export const SESSION_REVOKED = 'session_revoked';

export interface HandshakeDeps {
  config: Config;
  tokens: TokenService;
  wss: WebSocketServer;
  connections: ConnectionRegistry;
  accepting: () => boolean;
  /** A socket whose user is known and within their limit: bring it up. */
  accepted: (ws: WebSocket, claims: AccessClaims, request: ResumeRequest) => void;
}

/**
 * What the client asked of its `ready` frame: `since`, its cursor, and `heads` — `all` (the
 * default, what clients before it expect) or `moved`: on a resume, only the heads past `since`
 * (issue 41: a full list cost ~46 bytes per conversation on every connect, whatever was missed).
 */
export interface ResumeRequest {
  since: string | undefined;
  heads: 'all' | 'moved';
}

/**
 * The upgrade: the path, the node's state, the Origin and the access token. What can be refused
 * before the upgrade is an HTTP status; after it, a close code (browsers cannot read the status).
 */
export async function handleUpgrade(deps: HandshakeDeps, request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname !== WS_PATH) return rejectUpgrade(socket, notFound(`WebSocket endpoint ${url.pathname}`));
  if (!deps.accepting()) return rejectUpgrade(socket, new AppError('unavailable', 'The server is shutting down: try again'));
  if (!originAllowed(deps.config, request)) return rejectUpgrade(socket, forbidden('This origin may not open a WebSocket here'));

  // `ws` would refuse a malformed list itself, in plain text: answer it in the envelope instead.
  const protocols = request.headers['sec-websocket-protocol'];
  if (protocols !== undefined && !isTokenList(protocols)) {
    return rejectUpgrade(
      socket,
      invalid('Sec-WebSocket-Protocol: expected distinct tokens separated by commas, such as "confab.v1, confab.bearer.<accessToken>"'),
    );
  }
  // The header (other clients), the subprotocol list (browsers: the SDK), the query (raw clients only:
  // a URL is logged by browsers and proxies).
  const heads = url.searchParams.get('heads') ?? 'all';
  if (heads !== 'all' && heads !== 'moved') return rejectUpgrade(socket, invalid('heads: expected "all" or "moved"'));
  const token =
    bearerToken(request) ?? tokenFromSubprotocols(request.headers['sec-websocket-protocol']) ?? url.searchParams.get('access_token');
  if (!token) return rejectUpgrade(socket, unauthenticated());
  let claims: AccessClaims | undefined;
  let failure: AppError | undefined;
  try {
    claims = await deps.tokens.verifyAccessToken(token);
  } catch (error) {
    failure = error instanceof AppError ? error : new AppError('unauthenticated', 'The access token is not valid');
  }
  deps.wss.handleUpgrade(request, socket, head, (ws) => {
    // Browsers cannot read an HTTP status from a failed upgrade, so refusals after this point
    // are close codes with the error code as reason.
    // An ended session: 4403, so the client signs in again instead of refreshing (which would fail).
    if (failure instanceof SessionRevoked || (claims && deps.tokens.isRevoked(claims.sessionId))) {
      return ws.close(CLOSE_CODES.sessionRevoked, SESSION_REVOKED);
    }
    if (!claims) return ws.close(CLOSE_CODES.unauthorized, failure?.code ?? 'unauthenticated');
    if (deps.connections.ofUser(claims.userId).size >= deps.config.maxSocketsPerUser) {
      return ws.close(CLOSE_CODES.tooManyConnections, 'too_many_connections');
    }
    deps.accepted(ws, claims, { since: url.searchParams.get('since') ?? undefined, heads });
  });
}

function originAllowed(config: Config, request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true; // not a browser: Origin protects browsers' users only
  const allowed = config.wsAllowedOrigins;
  if (allowed.includes('*') || allowed.includes(origin)) return true;
  if (allowed.length > 0) return false;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/** RFC 6455's subprotocol list: distinct RFC 7230 tokens (a JWT's base64url and dots are), separated by commas. */
function isTokenList(header: string): boolean {
  const entries = header.split(',').map((entry) => entry.trim());
  return entries.every((entry) => /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(entry)) && new Set(entries).size === entries.length;
}

function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

/** Refuses before the upgrade with the error envelope REST answers, then closes the connection. */
function rejectUpgrade(socket: Duplex, error: AppError): void {
  const { status, body } = toErrorBody(error);
  const json = JSON.stringify({ error: body });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
  );
}
