import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from './store.js';
import { describeAccounts } from './accounts/accounts.conformance.js';
import { describeBlocks } from './blocks/blocks.conformance.js';
import { describeConversations } from './conversations/conversations.conformance.js';
import { describeEventLog } from './events/event-log.conformance.js';
import { Fixture } from './conformance/fixtures.js';
import { describeMemberSettings } from './members/member-settings.conformance.js';
import { describeMessageBatches } from './messages/message-batches.conformance.js';
import { describeMessageChanges } from './messages/message-changes.conformance.js';
import { describeNotifications } from './notifications/notifications.conformance.js';
import { describeOutbox } from './outbox/outbox.conformance.js';
import { describeScheduled } from './scheduled/scheduled.conformance.js';
import { describeSystemMessages } from './messages/system-messages.conformance.js';
import { describeMessages } from './messages/messages.conformance.js';
import { describeReceipts } from './markers/receipts.conformance.js';
import { describeSearch } from './search/search.conformance.js';
import { describeLocations } from './messages/locations.conformance.js';
import { describePollsAndSaved } from './messages/polls-saved.conformance.js';
import { describeSessions } from './sessions/sessions.conformance.js';
import { describeUsers } from './users/users.conformance.js';
import { describeUploads } from './uploads/uploads.conformance.js';
import { describeInvites } from './invites/invites.conformance.js';
import { describeAdmin } from './admin/admin.conformance.js';
import { describeThreads } from './threads/threads.conformance.js';
import { describeDrafts } from './drafts/drafts.conformance.js';
import { describeDevices } from './devices/devices.conformance.js';
import { describeMlsGroups } from './conversations/mls-groups.conformance.js';
import { describeMlsSenders } from './conversations/mls-senders.conformance.js';
import { describeAssist } from './assist/assist.conformance.js';
import { describeTextFidelity } from './conformance/text-fidelity.conformance.js';
import { describeImports } from './imports/imports.conformance.js';

/**
 * The behaviour every Store implementation must have, written once (one section per aggregate,
 * beside it: store/<aggregate>/*.conformance.ts). Each engine's test file calls this with a factory giving a fresh, migrated,
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
    describeAssist(f);
    describeSearch(f);
    describeLocations(f);
    describePollsAndSaved(f);
    describeDrafts(f);
    describeScheduled(f);
    describeUploads(f);
    describeAccounts(f);
    describeDevices(f);
    describeMlsGroups(f);
    describeMlsSenders(f);
    describeTextFidelity(f);
    describeImports(f);
  });
}
