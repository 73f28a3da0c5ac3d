import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { describeAccounts } from './conformance/accounts.js';
import { describeBlocks } from './conformance/blocks.js';
import { describeConversations } from './conformance/conversations.js';
import { describeEventLog } from './conformance/event-log.js';
import { Fixture } from './conformance/fixtures.js';
import { describeMemberSettings } from './conformance/member-settings.js';
import { describeMessageBatches } from './conformance/message-batches.js';
import { describeMessageChanges } from './conformance/message-changes.js';
import { describeNotifications } from './conformance/notifications.js';
import { describeOutbox } from './conformance/outbox.js';
import { describeSystemMessages } from './conformance/system-messages.js';
import { describeMessages } from './conformance/messages.js';
import { describeReceipts } from './conformance/receipts.js';
import { describeSearch } from './conformance/search.js';
import { describeLocations } from './conformance/locations.js';
import { describeSessions } from './conformance/sessions.js';
import { describeUsers } from './conformance/users.js';
import { describeUploads } from './conformance/uploads.js';
import { describeInvites } from './conformance/invites.js';
import { describeAdmin } from './conformance/admin.js';
// Thread read state (issue 35 item 2).
import { describeThreads } from './conformance/threads.js';

/**
 * The behaviour every Store implementation must have, written once (one file per section in
 * conformance/). Each engine's test file calls this with a factory giving a fresh, migrated,
 * empty store.
 */
export function describeStoreConformance(engine: string, openFresh: () => Promise<{ store: Store; dispose: () => Promise<void> }>): void {
  describe(`Store conformance: ${engine}`, () => {
    const f = new Fixture();
    let dispose: () => Promise<void>;

    beforeEach(async () => {
      ({ store: f.store, dispose } = await openFresh());
    });
    afterEach(async () => {
      await dispose();
    });

    it('migrates idempotently and answers ping', async () => {
      await f.store.migrate();
      await expect(f.store.ping()).resolves.toBeUndefined();
    });

    describeUsers(f);
    describeInvites(f);
    describeAdmin(f);
    describeSessions(f);
    describeConversations(f);
    describeMessages(f);
    describeMessageChanges(f);
    describeMessageBatches(f);
    describeEventLog(f);
    describeReceipts(f);
    describeBlocks(f);
    describeMemberSettings(f);
    describeNotifications(f);
    describeOutbox(f);
    describeSystemMessages(f);
    describeThreads(f);
    describeSearch(f);
    describeLocations(f);
    describeUploads(f);
    describeAccounts(f);
  });
}
