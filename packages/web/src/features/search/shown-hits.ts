import type { DecryptedHit } from '@confab/client';
import type { SearchHit } from '@confab/protocol';

/**
 * A search result as the lists show it: found by the server (plain conversations) or on this
 * device (encrypted ones, whose texts only the device can read: `client.searchEncrypted`).
 */
export interface ShownHit {
  key: string;
  conversationId: string;
  seq: number;
  /** Unknown for a text this device decrypted before it kept the details of its messages. */
  senderId: string | undefined;
  createdAt: string | undefined;
  threadRootId: string | null;
  snippet: string;
  highlights: number[][];
  /** Found in the decrypted history on this device. */
  onDevice: boolean;
}

export const fromServer = ({ message, snippet, highlights }: SearchHit): ShownHit => ({
  key: message.id,
  conversationId: message.conversationId,
  seq: message.seq,
  senderId: message.senderId,
  createdAt: message.createdAt,
  threadRootId: message.threadRootId,
  snippet,
  highlights,
  onDevice: false,
});

export const fromDevice = (hit: DecryptedHit): ShownHit => ({
  key: `device:${hit.conversationId}:${hit.seq}`,
  conversationId: hit.conversationId,
  seq: hit.seq,
  senderId: hit.senderId,
  createdAt: hit.createdAt,
  threadRootId: hit.threadRootId ?? null,
  snippet: hit.snippet,
  highlights: hit.highlights,
  onDevice: true,
});

/**
 * The server's hits in its order, with this device's (newest first) placed among them by time.
 * While the server has more pages, a device hit older than its last hit waits for them: listed
 * now, it would stand above server hits still to come that are newer. A device hit without a
 * time (kept before times were) comes last, once the server has no more.
 */
export function mergeHits(server: readonly SearchHit[], serverHasMore: boolean, device: readonly DecryptedHit[]): ShownHit[] {
  const pending = device.map(fromDevice);
  const merged: ShownHit[] = [];
  for (const hit of server.map(fromServer)) {
    while (pending.length > 0 && (pending[0]!.createdAt ?? '') > (hit.createdAt ?? '')) merged.push(pending.shift()!);
    merged.push(hit);
  }
  return serverHasMore && server.length > 0 ? merged : [...merged, ...pending];
}
