import type { Draft, StoredEvent } from '../store.js';

/**
 * `store.markers`: each member's read and delivery markers, the receipts they make and the unread
 * counts they give. Its conformance section is beside it (markers/*.conformance.ts).
 */
export interface MarkerStore {
  /**
   * Moves the read marker forward only, clamped to the conversation's last seq. Logs
   * `announce(marker)` when it moved; returns the marker and my unread count.
   */
  advanceReadMarker(
    conversationId: string,
    userId: string,
    seq: number,
    announce: Draft<ReadMarkerRecord>,
  ): Promise<ReadMarkerRecord & { events: StoredEvent[] }>;
  /** Moves the delivery marker forward only (clamped); returns it and whether it moved. No event is logged. */
  advanceDeliveredMarker(conversationId: string, userId: string, seq: number): Promise<{ deliveredSeq: number; moved: boolean }>;
  /** Unread messages across all my conversations. */
  countUnreadTotal(userId: string): Promise<number>;
  listReceipts(conversationId: string): Promise<ReceiptRecord[]>;
}

export interface ReadMarkerRecord {
  readSeq: number;
  /** The member's unread messages in that conversation, their own never counted. */
  unreadCount: number;
  /** Of those, the ones that mention the member. */
  mentionCount: number;
}

export interface ReceiptRecord {
  userId: string;
  readSeq: number;
  deliveredSeq: number;
}
