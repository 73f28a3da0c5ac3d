import type { Generated } from 'kysely';

/** Notifications and their delivery out of the server: the outbox (webhooks, Web Push), push subscriptions and the VAPID keys. */
export interface NotificationTables {
  notifications: {
    id: string;
    user_id: string;
    kind: 'mention' | 'reply' | 'thread_reply' | 'reaction' | 'added_to_conversation';
    conversation_id: string;
    message_id: string | null;
    actor_id: string;
    created_at: number;
    read_at: number | null;
  };
  notification_outbox: {
    id: string;
    notification_id: string;
    channel: 'webhook' | 'push';
    user_id: string;
    endpoint: string | null;
    payload: string;
    status: Generated<'pending' | 'dead'>;
    attempts: Generated<number>;
    next_attempt_at: number;
    claimed_until: number | null;
    claim_token: string | null;
    last_error: string | null;
    created_at: number;
  };
  push_subscriptions: {
    endpoint: string;
    user_id: string;
    p256dh: string;
    auth: string;
    created_at: number;
  };
  /** Keys the server makes once and keeps (the Web Push VAPID pair, store/push/). */
  server_keys: {
    name: string;
    value: string;
    created_at: number;
  };
}
