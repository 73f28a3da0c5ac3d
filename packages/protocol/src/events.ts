import Type, { type Static, type TLiteral, type TObject, type TProperties, type TSchema, type TUnion } from 'typebox';
import { Identifier } from './strings.js';
import { ConversationInfo, ConversationSettings, Member } from './conversations.js';
import { Message } from './messages.js';
import { Notification } from './notifications.js';
import { Id, Timestamp } from './primitives.js';
import { User } from './users.js';
import { ThreadState } from './threads.js';
import { DeviceLink } from './device-links.js';
import { Draft } from './drafts.js';
import { ErrorCodeSchema } from './errors.js';
import { ScheduledMessage, ScheduledRemovedReason } from './scheduled.js';

/**
 * The event catalogue: every event the server sends is declared once, here, by its `type` and
 * the fields it carries. Everything else is derived from these two maps: the event schemas and
 * their unions (`PositionedEvent`, `ServerEvent`, the `ServerFrame` of realtime.ts), the types
 * (`EventMap`, `EventOf`, `EventDraft`), the lists of types, the AsyncAPI document, and the
 * tables that must say what each event does (`EventTable`: the conversation an event is about,
 * the publisher's topics, the SDK's reducer). Adding an event is one entry below; the compiler
 * then names every table that has to handle it. docs/realtime.md says how.
 */

/** Resume position: `<epoch>.<pos>`. Opaque to clients; compare epochs only through the server's answers. */
export const SyncCursor = Identifier({ minLength: 1, maxLength: 128, description: 'Resume position: `<epoch>.<pos>`' });
/** The cursor of position `pos` in the log of `epoch`: resume after it. */
export const encodeSyncCursor = (epoch: string, pos: number): string => `${epoch}.${pos}`;

// Positioned events are stored in the event log: `pos` is the event's place in the reader's
// stream (resume after it) and `prev` the `pos` of the previous event of the same conversation
// (0 for its first), so a client can tell a gap from a quiet conversation. `cursor` is `pos` as
// a resume cursor, so a client stores it as it is, without assembling one.
const Position = {
  pos: Type.Integer({ minimum: 1, description: 'Position in the event log; resume after it' }),
  prev: Type.Integer({ minimum: 0, description: "`pos` of this conversation's previous event (0: none)" }),
  cursor: SyncCursor,
};

/** What an event carries besides its `type` (and, positioned, its position), with what it means. */
const payload = <P extends TProperties>(description: string, properties: P): TObject<P> => Type.Object(properties, { description });

/**
 * Events stored in the event log, with a position: replayed on resume, read by gap fill and
 * long-poll. Each carries `type`, `pos`, `prev` and `cursor`, then these fields.
 */
export const PositionedEventPayloads = {
  'message.created': payload('A message was sent (or a system message written)', { message: Message }),
  'message.updated': payload(
    'A message changed: edited, reacted to, pinned or unpinned, or (a thread root) replied to. Carries the whole message',
    {
      message: Message,
    },
  ),
  'message.deleted': payload('A message was deleted: `message` is the tombstone (same id and seq, no body, reactions or mentions)', {
    message: Message,
  }),
  'conversation.created': payload('A conversation was created with me in it', {
    conversation: ConversationInfo,
    members: Type.Array(Member),
  }),
  'conversation.updated': payload(
    'The conversation changed (its title: to every member). With `settings`, it is my own mute, archive or clear, ' +
      'sent to my devices only, in my private stream',
    { conversation: ConversationInfo, by: Id, settings: Type.Optional(ConversationSettings) },
  ),
  'member.added': payload(
    'A member joined: `conversation` is the conversation as it is now, so the new member can show it without a round trip',
    {
      conversationId: Id,
      member: Member,
      conversation: ConversationInfo,
      by: Id,
    },
  ),
  'member.removed': payload('A member left or was removed', { conversationId: Id, userId: Id, by: Id }),
  'member.updated': payload("A member's role changed", { conversationId: Id, member: Member, by: Id }),
  'read.updated': payload('A member\'s read marker moved: "read up to readSeq". `unreadCount` is that member\'s own count', {
    conversationId: Id,
    userId: Id,
    readSeq: Type.Integer({ minimum: 0 }),
    unreadCount: Type.Integer({ minimum: 0 }),
    mentionCount: Type.Integer({ minimum: 0, description: "That member's unread mentions" }),
  }),
  'notification.created': payload('A notification for me: in my private stream, to my devices only', { notification: Notification }),
  'thread.read': payload('I read a thread up to `readSeq` (on any of my devices): in my private stream', ThreadState),
  'thread.updated': payload('I followed or unfollowed a thread (on any of my devices): in my private stream', ThreadState),
  'saved.updated': payload('I saved or unsaved a message (on any of my devices): in my private stream', {
    conversationId: Id,
    messageId: Id,
    saved: Type.Boolean(),
    savedAt: Type.Union([Timestamp, Type.Null()], { description: 'When I saved it; null once unsaved' }),
  }),
  'draft.updated': payload(
    'My draft of a conversation changed on one of my devices, or was cleared (`deleted`: sent or deleted; `draft.body` is "" ' +
      'and `draft.version` the version to save on next): in my private stream',
    { draft: Draft, deleted: Type.Boolean() },
  ),
  'scheduled.updated': payload('I scheduled a message, or changed one I scheduled (on any of my devices): in my private stream', {
    scheduled: ScheduledMessage,
  }),
  'scheduled.removed': payload(
    'A message I scheduled left my list: sent (`messageId`), deleted by me, or failed at its time (`error`: why it could not be sent, e.g. `not_found` once I am no longer a member). In my private stream',
    {
      scheduledId: Id,
      conversationId: Id,
      reason: ScheduledRemovedReason,
      messageId: Type.Union([Id, Type.Null()], { description: 'The message sent, when `sent`' }),
      error: Type.Union([Type.Object({ code: ErrorCodeSchema, message: Type.String() }), Type.Null()], {
        description: 'Why, when `failed`',
      }),
    },
  ),
};

/** Live signals: no position, not stored, not replayed. Each carries `type`, then these fields. */
export const EphemeralEventPayloads = {
  'delivery.updated': payload("A member's delivery marker moved: a device of theirs has received up to deliveredSeq", {
    conversationId: Id,
    userId: Id,
    deliveredSeq: Type.Integer({ minimum: 0 }),
  }),
  typing: payload('A member started or stopped typing', { conversationId: Id, userId: Id, typing: Type.Boolean() }),
  presence: payload('A user came online or went offline', {
    userId: Id,
    online: Type.Boolean(),
    lastSeenAt: Type.Union([Timestamp, Type.Null()], { description: 'Null while online or when the user hides it' }),
  }),
  'block.updated': payload(
    'I blocked or unblocked `userId` (from any of my devices): to my own devices only, the blocked user is never told',
    {
      userId: Id,
      blocked: Type.Boolean(),
    },
  ),
  'user.updated': payload(
    "A user's public profile changed (display name, bio, time zone or picture; or the account was erased): " +
      'to everyone who shares a conversation with them, and to their own devices. It is state: apply the latest',
    { user: User },
  ),
  'identity.updated': payload(
    'A user published a new identity key (encryption set up again, on a new device): to everyone who shares a conversation ' +
      'with them, and to their own devices. Not the key itself: read their signed device list and compare its key with the ' +
      'one you verified (issue 39)',
    { userId: Id },
  ),
  'device.revoked': payload(
    'A user revoked one of their devices (issue 39): to everyone who shares a conversation with them, and to their own ' +
      'devices. A device that is in an encrypted conversation’s group with the revoked one commits its removal (one ' +
      'device does it: the SDK ranks them), so the revoked device reads nothing sent after, whichever device or client ' +
      'revoked it. Not logged: the revocation is in the user’s signed device list',
    { userId: Id, deviceId: Type.String({ description: 'The revoked device' }) },
  ),
  'device_link.requested': payload(
    'A new device of mine asked to be linked (issue 39 part 4): to my own devices only, so a device holding my identity key ' +
      'prompts at once. Not logged: `GET /api/v1/device-links` lists what is still pending',
    { link: DeviceLink },
  ),
  'device_link.answered': payload(
    'A device of mine approved or declined a link request (issue 39 part 4): to my own devices only, so the others ' +
      'take down their prompt for it at once. Not logged: a device that missed it finds the request gone from ' +
      '`GET /api/v1/device-links`',
    { link: DeviceLink },
  ),
};

type Payloads = Record<string, TObject>;
/** The schema of event `K`: its `type` constant first, then its position (if any), then its payload. */
type EventSchemaOf<K extends string, Before extends TProperties, P extends TObject> = TObject<
  { type: TLiteral<K> } & Before & P['properties']
>;
type EventSchemas<M extends Payloads, Before extends TProperties> = { [K in keyof M & string]: EventSchemaOf<K, Before, M[K]> };

function eventSchemas<M extends Payloads, Before extends TProperties>(payloads: M, before: Before): EventSchemas<M, Before> {
  return Object.fromEntries(
    Object.entries(payloads).map(([type, { properties, description }]: [string, TObject & { description?: string }]) => [
      type,
      Type.Object({ type: Type.Literal(type), ...before, ...properties }, description === undefined ? {} : { description }),
    ]),
  ) as EventSchemas<M, Before>;
}

/** The schema of every event, by `type`: what the gateway sends, the SDK reads and the AsyncAPI document shows. */
export const PositionedEventSchemas = eventSchemas(PositionedEventPayloads, Position);
export const EphemeralEventSchemas = eventSchemas(EphemeralEventPayloads, {});
export const EventSchemas = { ...PositionedEventSchemas, ...EphemeralEventSchemas };

/** Every event by its `type` (Immich's `EventMap`): `EventMap['message.created']` is that event. */
export type EventMap = { [K in keyof typeof EventSchemas]: Static<(typeof EventSchemas)[K]> };
export type ServerEventType = keyof EventMap;
export type PositionedEventType = keyof typeof PositionedEventSchemas;
export type EphemeralEventType = keyof typeof EphemeralEventSchemas;
export type EventOf<T extends ServerEventType> = EventMap[T];

/** The union of a map's schemas, in its order; typed as a non-empty tuple so that `Static` sees every member. */
type UnionOf<M extends Record<string, TSchema>> = TUnion<[M[keyof M], ...M[keyof M][]]>;
const unionOf = <M extends Record<string, TSchema>>(schemas: M): UnionOf<M> => Type.Union(Object.values(schemas)) as unknown as UnionOf<M>;

/** The unions, in the maps' order (as the AsyncAPI document lists them). */
export const PositionedEvent = unionOf(PositionedEventSchemas);
export type PositionedEvent = EventMap[PositionedEventType];
export const EphemeralEvent = unionOf(EphemeralEventSchemas);
export type EphemeralEvent = EventMap[EphemeralEventType];
export const ServerEvent = unionOf(EventSchemas);
export type ServerEvent = EventMap[ServerEventType];

/** The `type` of every positioned (ephemeral) event, in the map's order: derived, so never out of step with it. */
export const POSITIONED_EVENT_TYPES = Object.keys(PositionedEventSchemas) as readonly PositionedEventType[];
export const EPHEMERAL_EVENT_TYPES = Object.keys(EphemeralEventSchemas) as readonly EphemeralEventType[];
const positionedTypes: ReadonlySet<string> = new Set(POSITIONED_EVENT_TYPES);
/** Whether an event (or any frame) is a positioned event: it has a place in the log. */
export const isPositionedEvent = (event: { type: string }): event is PositionedEvent => positionedTypes.has(event.type);

/** What event `T` carries besides its `type` (and its position). */
export type EventPayload<T extends ServerEventType> = Static<(typeof PositionedEventPayloads & typeof EphemeralEventPayloads)[T]>;

/** Positioned event `T` before the log gave it its position: what the services draft and the store logs. */
export type DraftOf<T extends PositionedEventType> = Flat<{ type: T } & EventPayload<T>>;
type Flat<T> = { [K in keyof T]: T[K] };
export type EventDraft = { [T in PositionedEventType]: DraftOf<T> }[PositionedEventType];
/** The draft of event `type` carrying `payload`, checked against the map's entry for that type. */
export const draftOf = <T extends PositionedEventType>(type: T, payload: EventPayload<T>): DraftOf<T> =>
  ({ type, ...payload }) as DraftOf<T>;

/**
 * One function per event type, each given its own event (and a context): the compiler rejects a
 * table that misses a type, so a new event cannot be forgotten by the code that must react to it.
 */
export type EventTable<T extends ServerEventType, R, C = void> = { [K in T]: (event: EventOf<K>, context: C) => R };

/** Calls the entry of `table` for the event's type. */
export function handleEvent<T extends ServerEventType, R, C = void>(table: EventTable<T, R, C>, event: EventOf<T>, context: C): R;
export function handleEvent<T extends ServerEventType, R>(table: EventTable<T, R>, event: EventOf<T>): R;
export function handleEvent<T extends ServerEventType, R, C>(table: EventTable<T, R, C>, event: EventOf<T>, context?: C): R {
  const entry = table[event.type as T] as (event: EventOf<T>, context: C | undefined) => R;
  return entry(event, context);
}

/**
 * Events addressed to one user alone (my own conversation settings, my notifications) form
 * that user's private stream: chained by `prev` like a conversation, keyed by the user's own id in
 * `heads`, gap-filled with `GET /api/v1/conversations/<my user id>/events`.
 */
export function isPrivateEvent(event: PositionedEvent): boolean {
  return handleEvent(privateEvents, event);
}

const privateEvents: EventTable<PositionedEventType, boolean> = {
  'message.created': () => false,
  'message.updated': () => false,
  'message.deleted': () => false,
  'conversation.created': () => false,
  'conversation.updated': (e) => e.settings !== undefined,
  'member.added': () => false,
  'member.removed': () => false,
  'member.updated': () => false,
  'read.updated': () => false,
  'notification.created': () => true,
  'thread.read': () => true,
  'thread.updated': () => true,
  'saved.updated': () => true,
  'draft.updated': () => true,
  'scheduled.updated': () => true,
  'scheduled.removed': () => true,
};

const conversationIds: EventTable<PositionedEventType, string> = {
  'message.created': (e) => e.message.conversationId,
  'message.updated': (e) => e.message.conversationId,
  'message.deleted': (e) => e.message.conversationId,
  'conversation.created': (e) => e.conversation.id,
  'conversation.updated': (e) => e.conversation.id,
  'member.added': (e) => e.conversationId,
  'member.removed': (e) => e.conversationId,
  'member.updated': (e) => e.conversationId,
  'read.updated': (e) => e.conversationId,
  'notification.created': (e) => e.notification.conversationId,
  'thread.read': (e) => e.conversationId,
  'thread.updated': (e) => e.conversationId,
  'saved.updated': (e) => e.conversationId,
  'draft.updated': (e) => e.draft.conversationId,
  'scheduled.updated': (e) => e.scheduled.conversationId,
  'scheduled.removed': (e) => e.conversationId,
};

/**
 * The conversation a positioned event is about. A private event (`isPrivateEvent`) is ordered in
 * its user's stream, not this conversation's: clients and the gateway key such events by user.
 */
export function conversationOf(event: PositionedEvent): string {
  return handleEvent(conversationIds, event);
}
