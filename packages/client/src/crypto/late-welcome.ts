import type { Message, MessagePage } from '@confab/protocol';
import type { HttpTransport } from '../http.js';
import { base64UrlBytes } from '../push.js';
import { conversationPath } from './conversation-keys.js';
import type { CryptoStore } from './crypto-store.js';
import { keepDecrypted } from './decrypted-search.js';
import type { Group, GroupEngine } from './group-engine.js';
import { orderPosition } from './revocation-bound.js';

const PAGE = 100;

/**
 * Joined from a Welcome ordered after its commit (sent late: the committer crashed between the
 * two, or others were quicker): what was ordered between them in the epoch the Welcome brings me
 * into, or later, was sent while I was a member, and passed here while I had no state. Read back
 * to the commit that made that epoch, then applied in order. Undefined if it removed me meanwhile.
 * `before`: the messages the caller read just before the Welcome, searched first: the commit is
 * usually among them, and nothing is downloaded twice.
 */
export async function readSinceCommit(
  http: HttpTransport,
  store: CryptoStore,
  engine: GroupEngine,
  welcome: Message,
  joined: Group,
  before: readonly Message[],
  processing: (message: Message, step: () => Promise<void>) => Promise<void>,
): Promise<Group | undefined> {
  const between: Message[] = [];
  let items = before.filter((m) => m.seq < welcome.seq).sort((a, b) => b.seq - a.seq);
  let oldest = welcome.seq;
  for (let more = true; ;) {
    const made = items.findIndex((m) => m.mls === 'commit' && BigInt(m.epoch ?? -1) === joined.epoch - 1n);
    between.push(...(made === -1 ? items : items.slice(0, made)));
    if (made !== -1 || !more) break;
    oldest = items.at(-1)?.seq ?? oldest;
    const page = await http.request<MessagePage>('GET', `${conversationPath(welcome.conversationId)}/messages`, {
      query: { before: oldest, limit: PAGE },
    });
    items = [...page.items].sort((a, b) => b.seq - a.seq);
    more = items.length === PAGE;
  }
  let group: Group | undefined = joined;
  for (const message of between.reverse()) {
    if (message.kind !== 'encrypted' || message.ciphertext === undefined || message.mls === 'welcome') continue;
    if (!group || BigInt(message.epoch ?? 0) < joined.epoch) continue;
    const current: Group = group;
    await processing(message, async () => {
      const processed = await engine.process(current, base64UrlBytes(message.ciphertext!), orderPosition(message));
      if (processed.kind === 'application') await keepDecrypted(store, message, processed.plaintext);
      group = processed.kind === 'commit' && processed.removedSelf ? undefined : processed.group;
    });
  }
  return group;
}

/**
 * The messages a device passed in a conversation while it had no group state, from the last
 * commit on (in memory, at most a page): the Welcome that follows finds the commit that made its
 * epoch here instead of downloading it again. Kept only while contiguous with what was applied
 * (another tab applying in between breaks the run: the log is read then).
 */
export class PassedBeforeJoin {
  private readonly runs = new Map<string, { through: number; messages: Message[] }>();

  /** `message` was applied (skipped) with no state, right after `appliedBefore`. */
  passed(message: Message, appliedBefore: number): void {
    const id = message.conversationId;
    const run = this.runs.get(id);
    if (message.mls === 'commit') this.runs.set(id, { through: message.seq, messages: [message] });
    else if (run && run.through === appliedBefore && run.messages.length < PAGE) {
      run.messages.push(message);
      run.through = message.seq;
    } else this.runs.delete(id);
  }

  /** The run that ends with the Welcome at `welcomeSeq` (empty if it does not), forgotten; the Welcome is in it. */
  take(conversationId: string, welcomeSeq: number): Message[] {
    const run = this.runs.get(conversationId);
    this.runs.delete(conversationId);
    return run && run.through === welcomeSeq ? run.messages : [];
  }

  forget(conversationId: string): void {
    this.runs.delete(conversationId);
  }
}
