import type { AccountTables } from './schema/accounts.js';
import type { AssistTables } from './schema/assist.js';
import type { ConversationTables } from './schema/conversations.js';
import type { EncryptionTables } from './schema/encryption.js';
import type { EventTables } from './schema/events.js';
import type { MessageTables } from './schema/messages.js';
import type { NotificationTables } from './schema/notifications.js';
import type { OperationTables } from './schema/operations.js';

/**
 * Kysely table types: the columns as every engine stores them (timestamps are epoch ms), one
 * module per area in schema/. A new table goes in its area's module; the migration that creates
 * it is in migrations/.
 */
export interface Database
  extends
    AccountTables,
    ConversationTables,
    MessageTables,
    EncryptionTables,
    AssistTables,
    NotificationTables,
    EventTables,
    OperationTables {}
