import type { TSchema } from 'typebox';
import { CLOSE_CODES } from './errors.js';
import { EPHEMERAL_EVENT_TYPES, POSITIONED_EVENT_TYPES } from './events.js';
import { ClientFrame, ServerFrame } from './realtime.js';

/**
 * The WebSocket protocol as an AsyncAPI 3 (3.1) document, generated from the same TypeBox unions the
 * gateway validates and the SDK types against, so it cannot drift from them. It describes the
 * server: it receives client frames and sends replies and events. docs/realtime.md is the prose.
 */

type Direction = 'client' | 'server';
type Member = TSchema & { properties: { type: { const: string } }; description?: string };

/** Where a server frame stands: stored and replayed, a live signal (as the event map declares them), or an answer to a client frame. */
function tagOf(direction: Direction, type: string): string {
  if (direction === 'client') return 'client-frame';
  if ((POSITIONED_EVENT_TYPES as readonly string[]).includes(type)) return 'positioned-event';
  if ((EPHEMERAL_EVENT_TYPES as readonly string[]).includes(type)) return 'ephemeral-event';
  return 'reply';
}

/** Component key of a frame: both directions have a `typing`, so the direction prefixes the type. */
export const asyncApiMessageKey = (direction: Direction, type: string): string => `${direction}.${type}`;

// TypeBox schemas carry symbol-keyed metadata; JSON keeps the plain JSON Schema alone.
const plain = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));

function messagesOf(direction: Direction, members: readonly Member[]): Record<string, unknown> {
  return Object.fromEntries(
    members.map((member) => {
      const type = member.properties.type.const;
      const message = {
        name: type,
        title: `${type} (${direction} → ${direction === 'client' ? 'server' : 'client'})`,
        ...(member.description === undefined ? {} : { summary: member.description }),
        contentType: 'application/json',
        tags: [{ name: tagOf(direction, type) }],
        payload: plain(member),
      };
      return [asyncApiMessageKey(direction, type), message];
    }),
  );
}

const closeCodeTable = Object.entries(CLOSE_CODES)
  .map(([name, code]) => `${code} (${name})`)
  .join(', ');

/** The AsyncAPI 3 document of `/api/v1/ws` (protocol v1, as docs/realtime.md). */
export function asyncApiDocument(): Record<string, unknown> {
  const clientMessages = messagesOf('client', ClientFrame.anyOf as readonly Member[]);
  const serverMessages = messagesOf('server', ServerFrame.anyOf as readonly Member[]);
  const refs = (messages: Record<string, unknown>) => Object.keys(messages).map((key) => ({ $ref: `#/channels/socket/messages/${key}` }));
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'Confab realtime protocol',
      version: '1.0.0',
      description:
        'The WebSocket at /api/v1/ws: JSON text frames, one object each, told apart by `type`. Positioned events carry `pos`, ' +
        '`prev` and `cursor`: resume with `?since=<cursor>`; ephemeral events are never replayed. Close codes: ' +
        `${closeCodeTable}. The delivery and resume rules are in docs/realtime.md; the REST API in /api/openapi.json.`,
      license: { name: 'MIT', url: 'https://opensource.org/licenses/MIT' },
      tags: [
        { name: 'client-frame', description: 'Sent by the client; answered with `ack`, `pong` or `error`' },
        { name: 'positioned-event', description: 'Stored in the event log, with a position: replayed on resume' },
        { name: 'ephemeral-event', description: 'Not stored, no position, never replayed' },
        { name: 'reply', description: '`ready` on connect, `heads` after a bus gap, and the answers to client frames' },
      ],
    },
    defaultContentType: 'application/json',
    servers: {
      confab: {
        host: 'localhost:8080',
        protocol: 'ws',
        description: 'A Confab node (wss behind TLS); host and port are those of the server that serves this document',
      },
    },
    channels: {
      socket: {
        address: '/api/v1/ws',
        title: 'The realtime socket',
        description:
          'One per device. Authenticate with `Authorization: Bearer <access token>`, or from browsers with the subprotocols ' +
          '`confab.v1, confab.bearer.<access token>` (the server selects `confab.v1`). `?access_token=` works too but puts the token in URLs, which browsers and proxies log.',
        servers: [{ $ref: '#/servers/confab' }],
        messages: Object.fromEntries(
          [...Object.keys(clientMessages), ...Object.keys(serverMessages)].map((key) => [key, { $ref: `#/components/messages/${key}` }]),
        ),
        bindings: {
          ws: {
            method: 'GET',
            headers: {
              type: 'object',
              properties: {
                Authorization: { type: 'string', description: '`Bearer <access token>`' },
                'Sec-WebSocket-Protocol': {
                  type: 'string',
                  description: '`confab.v1, confab.bearer.<access token>`: the token where browsers can send it (issue 35)',
                },
              },
            },
            query: {
              type: 'object',
              properties: {
                access_token: {
                  type: 'string',
                  description: 'The access token, for raw clients only: URLs are logged by browsers and proxies',
                },
                since: { type: 'string', description: 'Resume after this cursor (the `cursor` of the last positioned event seen)' },
                heads: {
                  type: 'string',
                  enum: ['all', 'moved'],
                  default: 'all',
                  description:
                    "`moved`: when `since` is resumed, `ready`'s `heads` lists only the conversations whose newest event is after it (issue 41); `all`: every head",
                },
              },
            },
            bindingVersion: '0.1.0',
          },
        },
        'x-close-codes': CLOSE_CODES,
      },
    },
    operations: {
      receiveClientFrames: {
        action: 'receive',
        channel: { $ref: '#/channels/socket' },
        summary: 'Frames a client sends: each with an `id` is answered with `ack` (or `pong`) or `error` carrying that id',
        messages: refs(clientMessages),
      },
      sendServerFrames: {
        action: 'send',
        channel: { $ref: '#/channels/socket' },
        summary: '`ready` first, then events as they commit, `heads` after a bus gap, and the answers to client frames',
        messages: refs(serverMessages),
      },
    },
    components: { messages: { ...clientMessages, ...serverMessages } },
  };
}
