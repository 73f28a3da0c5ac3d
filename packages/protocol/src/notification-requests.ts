// My notifications over REST: the list (with the unread count), marking them read, the count.
import Type, { type Static } from 'typebox';
import { Notification } from './notifications.js';
import { Id, Page } from './primitives.js';
import { Cursor, Limit, strict } from './request-parts.js';

export const NotificationQuery = Type.Object(
  {
    limit: Type.Optional(Limit),
    cursor: Type.Optional(Cursor),
    unread: Type.Optional(Type.Boolean({ description: 'Only the unread ones' })),
  },
  strict,
);
export type NotificationQuery = Static<typeof NotificationQuery>;
export const NotificationPage = Type.Object(
  {
    ...Page(Notification, 'NotificationPage').properties,
    unreadCount: Type.Integer({ minimum: 0, description: 'All my unread notifications' }),
  },
  { title: 'NotificationPage' },
);
export type NotificationPage = Static<typeof NotificationPage>;
export const MarkNotificationsReadBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'These (mine; others are ignored)' })),
    all: Type.Optional(Type.Literal(true, { description: 'All of mine' })),
  },
  // An object, not a union of two, so that a mistake is one error naming its field; `all` wins.
  { ...strict, minProperties: 1, description: '`{ids}` or `{all: true}`' },
);
export type MarkNotificationsReadBody = Static<typeof MarkNotificationsReadBody>;
export const UnreadNotifications = Type.Object({ unreadCount: Type.Integer({ minimum: 0 }) }, { title: 'UnreadNotifications' });
export type UnreadNotifications = Static<typeof UnreadNotifications>;
