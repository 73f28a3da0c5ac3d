import type { Message } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import { decodeContent } from './encrypted-content.js';
import { type PollRelation, tallyPoll } from './encrypted-polls.js';

/**
 * What this device keeps of the encrypted polls it decrypted, written as each message is applied
 * in order (the poll's own envelope, each vote and close under its poll), so a tally reads only
 * its poll's relations, and a vote by message id finds its conversation:
 * `poll:<messageId>` → the poll's message (without ciphertext); `poll-rel:<pollId>:<seq>` → a vote or close.
 */
const KEYS = {
  poll: (messageId: string) => `poll:${messageId}`,
  relations: (pollId: string) => `poll-rel:${pollId}:`,
  relation: (pollId: string, seq: number) => `poll-rel:${pollId}:${seq}`,
  plain: (conversationId: string, seq: number) => `plain:${conversationId}:${seq}`,
};
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

/** Keeps the poll, vote or close an applied application message carries (nothing for anything else). */
export async function keepPollParts(store: CryptoStore, message: Message, plaintext: Uint8Array): Promise<void> {
  if (plaintext[0] !== 0) return; // a text alone
  const { poll, vote, pollClose } = decodeContent(plaintext);
  if (poll) {
    const { ciphertext: _ciphertext, ...envelope } = message;
    await store.put(KEYS.poll(message.id), json(envelope));
  }
  const pollId = vote?.pollId ?? pollClose?.pollId;
  if (!pollId) return;
  const relation: PollRelation = {
    seq: message.seq,
    senderId: message.senderId,
    createdAt: message.createdAt,
    ...(vote ? { vote: { optionIds: vote.optionIds } } : { close: true as const }),
  };
  await store.put(KEYS.relation(pollId, message.seq), json(relation));
}

/** The envelope of an encrypted poll this device decrypted, by its message id. */
export async function keptPoll(store: CryptoStore, messageId: string): Promise<Message | undefined> {
  const bytes = await store.get(KEYS.poll(messageId));
  return bytes && parse<Message>(bytes);
}

/**
 * The poll message as readers see it: the same shape as a plain poll (`kind: "poll"`, `body` the
 * question, `poll` with each option's count and voters), counted from the votes this device holds.
 */
export async function talliedPoll(
  store: CryptoStore,
  envelope: Message,
  members: ReadonlySet<string>,
  now = Date.now(),
): Promise<Message | undefined> {
  const plain = await store.get(KEYS.plain(envelope.conversationId, envelope.seq));
  const decoded = plain && decodeContent(plain);
  const content = decoded && decoded.poll;
  if (!content) return undefined;
  const relations: PollRelation[] = [];
  for (const key of await store.keys(KEYS.relations(envelope.id))) {
    const bytes = await store.get(key);
    if (bytes) relations.push(parse<PollRelation>(bytes));
  }
  const poll = tallyPoll({ seq: envelope.seq, senderId: envelope.senderId, content }, relations, members, now);
  const forwarded = decoded.forwarded ? { forwardedFrom: decoded.forwarded } : {};
  return { ...envelope, encrypted: true, kind: 'poll', body: content.question, poll, ...forwarded };
}
