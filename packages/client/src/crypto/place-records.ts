import type { Message } from '@confab/protocol';
import type { CryptoStore } from './crypto-store.js';
import { decodeContent } from './encrypted-content.js';
import { type PlaceRelation, placeNow } from './encrypted-places.js';

/**
 * What this device keeps of the encrypted live places it decrypted, written as each message is
 * applied in order (as poll-records.ts does for polls): the place's own envelope, and each move and
 * stop under its place, so where a place is now reads only its own relations, and a move by
 * message id finds its conversation:
 * `place:<messageId>` → the live place's message (without ciphertext); `place-rel:<placeId>:<seq>` → a move or stop.
 */
const KEYS = {
  place: (messageId: string) => `place:${messageId}`,
  relations: (placeId: string) => `place-rel:${placeId}:`,
  relation: (placeId: string, seq: number) => `place-rel:${placeId}:${seq}`,
  plain: (conversationId: string, seq: number) => `plain:${conversationId}:${seq}`,
};
const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const parse = <T>(bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T;

/** Keeps the live place, move or stop an applied application message carries (nothing for anything else). */
export async function keepPlaceParts(store: CryptoStore, message: Message, plaintext: Uint8Array): Promise<void> {
  if (plaintext[0] !== 0) return; // a text alone
  const { location, placeMove, placeStop } = decodeContent(plaintext);
  if (location?.liveUntil !== undefined) {
    const { ciphertext: _ciphertext, ...envelope } = message;
    await store.put(KEYS.place(message.id), json(envelope));
  }
  const placeId = placeMove?.placeId ?? placeStop?.placeId;
  if (!placeId) return;
  const relation: PlaceRelation = {
    seq: message.seq,
    senderId: message.senderId,
    createdAt: message.createdAt,
    ...(placeMove
      ? {
          move: {
            lat: placeMove.lat,
            lng: placeMove.lng,
            ...(placeMove.accuracyM !== undefined ? { accuracyM: placeMove.accuracyM } : {}),
          },
        }
      : { stop: true as const }),
  };
  await store.put(KEYS.relation(placeId, message.seq), json(relation));
}

/** The envelope of an encrypted live place this device decrypted, by its message id. */
export async function keptPlace(store: CryptoStore, messageId: string): Promise<Message | undefined> {
  const bytes = await store.get(KEYS.place(messageId));
  return bytes && parse<Message>(bytes);
}

/**
 * The live place's message as readers see it: the shape of a plain one (`kind: "location"`, its
 * `location` where its author last moved it, `liveUntil` when it ended or ends), from the moves and
 * stops this device holds. Undefined when this device holds no text for it.
 */
export async function livePlace(store: CryptoStore, envelope: Message): Promise<Message | undefined> {
  const plain = await store.get(KEYS.plain(envelope.conversationId, envelope.seq));
  const content = plain && decodeContent(plain);
  if (!content?.location) return undefined;
  const relations: PlaceRelation[] = [];
  for (const key of await store.keys(KEYS.relations(envelope.id))) {
    const bytes = await store.get(key);
    if (bytes) relations.push(parse<PlaceRelation>(bytes));
  }
  const location = placeNow(
    { seq: envelope.seq, senderId: envelope.senderId, createdAt: envelope.createdAt, content: content.location },
    relations,
  );
  return {
    ...envelope,
    encrypted: true,
    kind: 'location',
    body: content.text ?? '',
    location,
  };
}
