/**
 * The access token in the WebSocket handshake (issue 35, item 6). Browsers cannot set headers on a
 * WebSocket, and a token in the URL is printed by the browser's console on every failed connect
 * and kept in proxies' logs. The subprotocol list is a header a browser does send, so the token
 * travels there, as Kubernetes' API server takes it:
 * `Sec-WebSocket-Protocol: confab.v1, confab.bearer.<accessToken>`. The server selects
 * `confab.v1` (never echoing the token). An access token is a JWT (base64url and dots), which is
 * a valid subprotocol token.
 */
export const WS_SUBPROTOCOL = 'confab.v1';
/** The prefix of the list entry that carries the access token. */
export const WS_BEARER_PROTOCOL_PREFIX = 'confab.bearer.';

/** The subprotocol list a client offers: the protocol version, then the token. */
export function wsSubprotocols(accessToken: string): string[] {
  return [WS_SUBPROTOCOL, `${WS_BEARER_PROTOCOL_PREFIX}${accessToken}`];
}

/** The access token in a `Sec-WebSocket-Protocol` header's value, if one entry carries it. */
export function tokenFromSubprotocols(header: string | undefined): string | undefined {
  for (const entry of (header ?? '').split(',')) {
    const protocol = entry.trim();
    if (protocol.startsWith(WS_BEARER_PROTOCOL_PREFIX) && protocol.length > WS_BEARER_PROTOCOL_PREFIX.length) {
      return protocol.slice(WS_BEARER_PROTOCOL_PREFIX.length);
    }
  }
  return undefined;
}
