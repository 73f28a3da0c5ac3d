import type { InstanceConfig } from '@confab/protocol';
import { AccountApi } from './account.js';
import { AdminApi } from './admin.js';
import { AssistApi } from './assist.js';
import { ClientBase, type ConfabClientOptions } from './client-base.js';
import { ConversationCalls } from './conversation-calls.js';
import { EncryptionCalls } from './encryption-calls.js';
import { LocationsApi, SearchApi } from './features.js';
import type { Tokens } from './http.js';
import { EventsApi } from './long-poll.js';
import { MessageActions } from './message-actions.js';
import { MessageCalls } from './message-calls.js';
import { PushApi } from './push.js';
import { RealtimeConnection, type RealtimeOptions } from './realtime.js';
import { ScheduledApi } from './scheduled.js';
import { UserCalls } from './user-calls.js';

export type { ConfabClientOptions } from './client-base.js';

/**
 * `ConfabClient`'s own methods (`register`, `openDirect`, `sendMessage`, `enableEncryption`, …),
 * written by area: each class is never made; its methods are copied onto `ConfabClient` below,
 * and the interface of the same name gives them their types.
 */
const METHOD_AREAS = [UserCalls, ConversationCalls, MessageCalls, EncryptionCalls] as const;

// The merge is what declares the area methods; the copy after the class supplies them (client.test.ts checks every one).
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export interface ConfabClient extends UserCalls, ConversationCalls, MessageCalls, EncryptionCalls {}

/** The Confab SDK: typed REST calls plus `connect()` for realtime events. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class ConfabClient extends ClientBase {
  /** Full-text search of my messages, and my conversations by name. */
  readonly search: SearchApi;
  /** Sharing a place, fixed or live. */
  readonly locations: LocationsApi;
  /** Email, password recovery and change, sessions, export, erasure. */
  readonly account: AccountApi;
  /** One message after it was sent: edit, delete, versions, thread, reactions, pins; the page around it. */
  readonly messages: MessageActions;
  /** My scheduled messages (issue 37): schedule, list, change, delete. */
  readonly scheduled: ScheduledApi;
  /** Instance administration (admins only): users, deactivation, resets, stats, the audit log, invites. */
  readonly admin: AdminApi;
  /** Web Push subscriptions of my browsers. */
  readonly push: PushApi;
  /** The event log over HTTP: long-poll `sync`, one conversation's events. */
  readonly events: EventsApi;
  /** Needs reply, catch-up, suggestions, my Assist switches (issue 40). */
  readonly assist: AssistApi;

  constructor(private readonly options: ConfabClientOptions) {
    super(options);
    this.search = new SearchApi(this.http);
    this.locations = new LocationsApi(
      this.http,
      (conversationId, body, clientId, links) => this.sendMessage(conversationId, body, clientId, links),
      this.e2e.places(),
    );
    this.account = new AccountApi(this.http);
    this.messages = new MessageActions(this.http, this.e2e.reader, this.e2e.polls(), () =>
      this.e2e.optional()
        ? {
            react: (conversationId, messageId, key, on) => this.reactEncrypted(conversationId, messageId, key, on),
            edit: (conversationId, messageId, text) => this.editEncrypted(conversationId, messageId, text),
            forward: (source, conversationIds, comment, byServer) => this.forwardEncrypted(source, conversationIds, comment, byServer),
          }
        : undefined,
    );
    this.scheduled = new ScheduledApi(this.http);
    this.admin = new AdminApi(this.http);
    this.push = new PushApi(this.http);
    this.events = new EventsApi(this.http);
    this.assist = new AssistApi(this.http);
  }

  get tokens(): Tokens | null {
    return this.http.currentTokens;
  }

  /** This instance's limits and optional features (`GET /api/v1/config`, public): longest message, largest upload, who may sign up. */
  instanceConfig(): Promise<InstanceConfig> {
    return this.http.request('GET', '/api/v1/config', { auth: false });
  }

  /** Opens the realtime connection (reconnecting by itself until closed). */
  connect(options: Omit<RealtimeOptions, 'http'> = {}): RealtimeConnection {
    const WebSocketImpl = options.WebSocket ?? this.options.WebSocket;
    const encryption = this.e2e.realtime();
    const connection = new RealtimeConnection({
      ...options,
      ...(WebSocketImpl ? { WebSocket: WebSocketImpl } : {}),
      ...(encryption ? { encryption } : {}),
      http: this.http,
    });
    // Someone's new identity key: their signed list is read (and checked) again, so a verified or
    // first-seen key that changed reaches onVerificationChange now, not at the next look; and no
    // credential check answers from a list read before.
    if (encryption) {
      connection.on('identity.updated', ({ userId }) => {
        this.e2e.devices().deviceListChanged(userId);
        void this.verificationOf(userId).catch(() => undefined);
      });
      // Encryption turned on from a client with no device: an owner's or admin's device online makes the group at once.
      connection.on('conversation.updated', ({ conversation }) => {
        if (conversation.encrypted)
          void this.e2e
            .groups()
            .setUpIfNone(conversation.id)
            .catch(() => undefined);
      });
      // A revoked device is taken out of the groups this device shares with it (not awaited: a stand-in waits its turn).
      connection.on('device.revoked', ({ userId, deviceId }) => {
        this.e2e.devices().deviceListChanged(userId);
        void this.e2e
          .groups()
          .deviceRevoked({ userId, deviceId })
          .catch(() => undefined);
      });
    }
    return connection;
  }
}

for (const area of METHOD_AREAS) {
  for (const [name, descriptor] of Object.entries(Object.getOwnPropertyDescriptors(area.prototype))) {
    if (name !== 'constructor') Object.defineProperty(ConfabClient.prototype, name, descriptor);
  }
}
