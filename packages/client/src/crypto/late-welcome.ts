import type { Message, MessagePage } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { conversationPath } from './conversation-keys.js';
import type { CryptoStore } from './crypto-store.js';
import { keepDecrypted } from './decrypted-search.js';
import type { Group, GroupEngine } from './group-engine.js';

const PAGE = 100;

/**
 * Joined from a Welcome ordered after its commit (sent late: the committer crashed between the
 * two, or others were quicker): what was ordered between them in the epoch the Welcome brings me
 * into, or later, was sent while I was a member, and passed here while I had no state. Read back
 * to the commit that made that epoch, then applied in order. Undefined if it removed me meanwhile.
 */
export async function readSinceCommit(
  http: HttpTransport,
  store: CryptoStore,
  engine: GroupEngine,
  welcome: Message,
  joined: Group,
  processing: (message: Message, step: () => Promise<void>) => Promise<void>,
): Promise<Group | undefined> {
  const between: Message[] = [];
  for (let before = welcome.seq; ;) {
    const page = await http.request<MessagePage>('GET', `${conversationPath(welcome.conversationId)}/messages`, {
      query: { before, limit: PAGE },
    });
    const items = [...page.items].sort((a, b) => b.seq - a.seq);
    const made = items.findIndex((m) => m.mls === 'commit' && BigInt(m.epoch ?? -1) === joined.epoch - 1n);
    between.push(...(made === -1 ? items : items.slice(0, made)));
    if (made !== -1 || items.length < PAGE) break;
    before = items.at(-1)!.seq;
  }
  let group: Group | undefined = joined;
  for (const message of between.reverse()) {
    if (message.kind !== 'encrypted' || message.ciphertext === undefined || message.mls === 'welcome') continue;
    if (!group || BigInt(message.epoch ?? 0) < joined.epoch) continue;
    const current: Group = group;
    await processing(message, async () => {
      const processed = await engine.process(current, base64UrlBytes(message.ciphertext!));
      if (processed.kind === 'application') await keepDecrypted(store, message, processed.plaintext);
      group = processed.kind === 'commit' && processed.removedSelf ? undefined : processed.group;
    });
  }
  return group;
}
