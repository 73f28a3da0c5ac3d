import type { Message, UpdateLocationBody } from '@confab/protocol';
import { ApiError } from '../errors.js';
import type { EncryptedContent } from './encrypted-content.js';
import type { EncryptedConversations } from './encrypted-conversations.js';

/**
 * `locations.update` and `locations.stop` on a live place of an encrypted conversation (issue 39):
 * the server cannot read the place, so the checks it makes of a plain move are made here, with the
 * same answers (403 for someone else's place, 409 once it has ended, 400 for a position off the
 * globe), and the move or stop goes as an MLS application message (encrypted-places.ts). Answers
 * the place as this device now shows it, or undefined when the message is no encrypted live place
 * this device decrypted (then the plain call runs).
 */
export class EncryptedPlaceActions {
  constructor(
    private readonly conversations: () => EncryptedConversations | undefined,
    private readonly myId: () => Promise<string>,
  ) {}

  async update(messageId: string, position: UpdateLocationBody): Promise<Message | undefined> {
    const place = await this.mine(messageId);
    if (!place) return undefined;
    const { lat, lng, accuracyM } = position;
    if (!(Math.abs(lat) <= 90) || !(Math.abs(lng) <= 180) || (accuracyM !== undefined && !(accuracyM >= 0)))
      throw new ApiError(400, 'validation_failed', 'lat must be within ±90, lng within ±180, accuracyM at least 0');
    if (ended(place)) throw new ApiError(409, 'conflict', 'This live location has ended');
    return this.send(place, { placeMove: { placeId: messageId, lat, lng, ...(accuracyM !== undefined ? { accuracyM } : {}) } });
  }

  async stop(messageId: string): Promise<Message | undefined> {
    const place = await this.mine(messageId);
    if (!place) return undefined;
    if (ended(place)) return place;
    return this.send(place, { placeStop: { placeId: messageId } });
  }

  /** The live place this device decrypted, refused unless I shared it (readers would ignore anyone else's moves). */
  private async mine(messageId: string): Promise<Message | undefined> {
    const place = await this.conversations()?.placeOf(messageId);
    if (!place) return undefined;
    if (place.senderId !== (await this.myId()))
      throw new ApiError(403, 'forbidden', 'Only the person sharing a live location moves or stops it');
    return place;
  }

  private async send(place: Message, content: EncryptedContent): Promise<Message> {
    const e2e = this.conversations()!;
    await e2e.sendContent(place.conversationId, content);
    return (await e2e.placeOf(place.id)) ?? place;
  }
}

const ended = (place: Message) => Date.parse(place.location!.liveUntil!) <= Date.now();
