import { type Kysely, sql } from 'kysely';
import { migrate } from './migrate.js';
import type { Dialect } from './dialect.js';
import type { Database } from './schema.js';
import { sqlContext } from './sql-context.js';
import type {
  Store,
  UserStore,
  SessionStore,
  AccountStore,
  InviteStore,
  AdminStore,
  ConversationStore,
  MemberStore,
  MessageStore,
  MarkerStore,
  EventStore,
  BlockStore,
  NotificationStore,
  OutboxStore,
  PushStore,
  UploadStore,
  SearchStore,
  ThreadStore,
  AssistStore,
  ScheduledStore,
  ImportStore,
} from './store.js';
import { sqlUserStore } from './users/sql-user-store.js';
import { sqlSessionStore } from './sessions/sql-session-store.js';
import { sqlAccountStore } from './accounts/sql-account-store.js';
import { sqlInviteStore } from './invites/sql-invite-store.js';
import { sqlAdminStore } from './admin/sql-admin-store.js';
import { sqlConversationStore } from './conversations/sql-conversation-store.js';
import { sqlMemberStore } from './members/sql-member-store.js';
import { sqlMessageStore } from './messages/sql-message-store.js';
import { sqlMarkerStore } from './markers/sql-marker-store.js';
import { sqlEventStore } from './events/sql-event-store.js';
import { sqlBlockStore } from './blocks/sql-block-store.js';
import { sqlNotificationStore } from './notifications/sql-notification-store.js';
import { sqlOutboxStore } from './outbox/sql-outbox-store.js';
import { sqlPushStore } from './push/sql-push-store.js';
import { sqlUploadStore } from './uploads/sql-upload-store.js';
import { sqlSearchStore } from './search/sql-search-store.js';
import { sqlThreadStore } from './threads/sql-thread-store.js';
import { sqlDraftStore } from './drafts/sql-draft-store.js';
import type { DraftStore } from './drafts/draft-store.js';
import { sqlDeviceStore } from './devices/sql-device-store.js';
import type { DeviceStore } from './devices/device-store.js';
import { sqlAssistStore } from './assist/sql-assist-store.js';
import { sqlScheduledStore } from './scheduled/sql-scheduled-store.js';
import { sqlImportStore } from './imports/sql-import-store.js';

/**
 * The Store over Kysely, shared by every engine: one sub-store per aggregate, each made from the
 * same SqlContext (store/<aggregate>/sql-*-store.ts, over the queries in store/sql/*.ts and
 * store/event-log.ts). Anything an engine does differently lives in its Dialect (store/sqlite/,
 * store/postgres/).
 */
export class SqlStore implements Store {
  readonly engine: Store['engine'];
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly accounts: AccountStore;
  readonly invites: InviteStore;
  readonly admin: AdminStore;
  readonly conversations: ConversationStore;
  readonly members: MemberStore;
  readonly messages: MessageStore;
  readonly markers: MarkerStore;
  readonly events: EventStore;
  readonly blocks: BlockStore;
  readonly notifications: NotificationStore;
  readonly outbox: OutboxStore;
  readonly push: PushStore;
  readonly uploads: UploadStore;
  readonly search: SearchStore;
  readonly threads: ThreadStore;
  readonly drafts: DraftStore;
  readonly devices: DeviceStore;
  readonly assist: AssistStore;
  readonly scheduled: ScheduledStore;
  readonly imports: ImportStore;

  constructor(private readonly dialect: Dialect) {
    this.engine = dialect.engine;
    const context = sqlContext(dialect);
    this.users = sqlUserStore(context);
    this.sessions = sqlSessionStore(context);
    this.accounts = sqlAccountStore(context);
    this.invites = sqlInviteStore(context);
    this.admin = sqlAdminStore(context);
    this.conversations = sqlConversationStore(context);
    this.members = sqlMemberStore(context);
    this.messages = sqlMessageStore(context);
    this.markers = sqlMarkerStore(context);
    this.events = sqlEventStore(context);
    this.blocks = sqlBlockStore(context);
    this.notifications = sqlNotificationStore(context);
    this.outbox = sqlOutboxStore(context);
    this.push = sqlPushStore(context);
    this.uploads = sqlUploadStore(context);
    this.search = sqlSearchStore(context);
    this.threads = sqlThreadStore(context);
    this.drafts = sqlDraftStore(context);
    this.devices = sqlDeviceStore(context);
    this.assist = sqlAssistStore(context);
    this.scheduled = sqlScheduledStore(context);
    this.imports = sqlImportStore(context);
  }

  async migrate(): Promise<void> {
    await migrate(this.dialect);
    this.dialect.afterMigrations?.();
  }

  /**
   * The database itself, for whole-database tools only (store/copy/: `confab migrate-store`),
   * which read and write every table as rows; services go through the sub-stores.
   */
  database(): Kysely<Database> {
    return this.dialect.db;
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.dialect.db);
  }

  close(): Promise<void> {
    return this.dialect.close();
  }
}
