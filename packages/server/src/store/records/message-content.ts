/** What some kinds and features keep on a message: a poll, a link preview, where a forward came from, a location. Timestamps are epoch ms. */

/** A poll as stored: each option's voters, in the order they voted. Times are epoch ms. */
export interface PollRecord {
  question: string;
  options: { id: string; text: string; userIds: string[] }[];
  multiple: boolean;
  anonymous: boolean;
  closesAt: number | null;
  closedAt: number | null;
}

/**
 * The card of the first link of a message's body, or the sender's removal of it (`removed`: shown
 * as no preview, and that URL is not fetched again). `imageKey` names the WebP in the blob store.
 */
export type LinkPreviewRecord =
  { url: string; title: string; description: string | null; siteName: string; imageKey: string | null } | { url: string; removed: true };

export interface ForwardedFromRecord {
  conversationId: string;
  senderId: string;
  /** When the original was sent (epoch ms). */
  sentAt: number;
}

/** A shared location; a live one is moved by its author until `liveUntil` (epoch ms). */
export interface LocationRecord {
  lat: number;
  lng: number;
  accuracyM: number | null;
  label: string | null;
  liveUntil: number | null;
}
